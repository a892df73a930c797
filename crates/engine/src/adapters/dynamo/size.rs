//! DynamoDB's item-size rule, for counting write units ("Item sizes and formats", Amazon
//! DynamoDB Developer Guide): attribute names count with their values; a string is its UTF-8
//! length, a number about half its significant digits plus one, a boolean or null one byte; a
//! list or map 3 bytes plus one byte and the size of each element (map keys included). A write
//! unit covers up to 1 KB; a transactional write costs two units per KB.

use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// The size of an item in bytes, by DynamoDB's rule.
pub fn item_size(item: &HashMap<String, AttributeValue>) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value_size(value))
        .sum()
}

/// Write units of one standard write of an item of `bytes` (at least one).
pub fn write_units(bytes: usize) -> u64 {
    u64::try_from(bytes.div_ceil(1024).max(1)).unwrap_or(u64::MAX)
}

fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => number_size(n),
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::L(list) => 3 + list.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(map) => {
            3 + map
                .iter()
                .map(|(k, v)| 1 + k.len() + value_size(v))
                .sum::<usize>()
        }
        AttributeValue::Ss(set) => set.iter().map(String::len).sum(),
        AttributeValue::Ns(set) => set.iter().map(|n| number_size(n)).sum(),
        AttributeValue::Bs(set) => set.iter().map(|b| b.as_ref().len()).sum(),
        _ => 0,
    }
}

/// About one byte per two significant digits, plus one.
fn number_size(number: &str) -> usize {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let significant = digits
        .trim_start_matches('0')
        .trim_end_matches('0')
        .len()
        .max(1);
    significant.div_ceil(2) + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values_count() {
        let item = HashMap::from([
            ("pk".to_owned(), AttributeValue::S("abc".to_owned())),
            ("n".to_owned(), AttributeValue::N("12345".to_owned())),
            ("ok".to_owned(), AttributeValue::Bool(true)),
        ]);
        assert_eq!(item_size(&item), (2 + 3) + (1 + 4) + (2 + 1));
        let nested = HashMap::from([(
            "m".to_owned(),
            AttributeValue::M(HashMap::from([(
                "k".to_owned(),
                AttributeValue::L(vec![AttributeValue::S("v".to_owned())]),
            )])),
        )]);
        assert_eq!(item_size(&nested), 1 + 3 + 1 + 1 + (3 + 1 + 1));
    }

    #[test]
    fn a_write_unit_covers_a_kilobyte() {
        assert_eq!(write_units(0), 1);
        assert_eq!(write_units(1024), 1);
        assert_eq!(write_units(1025), 2);
    }
}

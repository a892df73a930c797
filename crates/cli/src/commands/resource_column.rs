//! The RESOURCE column that the operator tables (`status`, `history`, `scan`) share.
//!
//! A stored id (`appmesh:ACCOUNT:REGION:mesh/NAME/virtualGateway/NAME`) is too wide to read in a
//! table, and its account and region are the same on most rows. So RESOURCE shows the short path
//! (`mesh/NAME/virtualGateway/NAME`); an ACCOUNT and a REGION column are added before it only
//! when the table's rows differ in them, and what the rows share is said once, on the line that
//! goes with the table (see [`ResourceColumns::caption`]). `--format json` keeps the stored id.

use super::table::Table;
use meshwarden_rules::resource::ResourceRef;

/// Where a table's resources are: which location columns it needs, decided once from all rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceColumns {
    /// The account every row shares (no ACCOUNT column), or `None` when they differ.
    account: Option<String>,
    /// The region every row shares (no REGION column), or `None` when they differ.
    region: Option<String>,
    /// Whether there are any rows at all (an empty table shares nothing).
    any: bool,
}

impl ResourceColumns {
    /// The columns for a table of these rows' resources (one entry per row; repeats are fine).
    pub fn of<'a>(resources: impl IntoIterator<Item = &'a ResourceRef>) -> Self {
        let mut resources = resources.into_iter();
        let Some(first) = resources.next() else {
            return ResourceColumns::default();
        };
        let mut columns = ResourceColumns {
            account: Some(first.account.clone()),
            region: Some(first.region.clone()),
            any: true,
        };
        for resource in resources {
            if columns.account.as_ref() != Some(&resource.account) {
                columns.account = None;
            }
            if columns.region.as_ref() != Some(&resource.region) {
                columns.region = None;
            }
        }
        columns
    }

    /// An empty table whose columns are the location columns, RESOURCE, then `headers`.
    pub fn table(&self, headers: &[&str]) -> Table {
        let mut all = self.location(|| "ACCOUNT", || "REGION");
        all.push("RESOURCE");
        all.extend_from_slice(headers);
        Table::new(&all)
    }

    /// One row of a table made by [`ResourceColumns::table`]: the resource's cells, then `cells`.
    pub fn row(&self, resource: &ResourceRef, cells: Vec<String>) -> Vec<String> {
        let mut row = self.location(|| resource.account.clone(), || resource.region.clone());
        row.push(resource.path());
        row.extend(cells);
        row
    }

    /// What every row shares, for the line that goes with the table: `account A, region R`
    /// (either part only when it has no column); `None` for an empty table or when both differ.
    pub fn shared(&self) -> Option<String> {
        if !self.any {
            return None;
        }
        let parts: Vec<String> = [("account", &self.account), ("region", &self.region)]
            .into_iter()
            .filter_map(|(what, value)| value.as_ref().map(|v| format!("{what} {v}")))
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// [`ResourceColumns::shared`] as a suffix for the table's title or summary line:
    /// ` (account A, region R)`, or nothing.
    pub fn caption(&self) -> String {
        self.shared()
            .map(|shared| format!(" ({shared})"))
            .unwrap_or_default()
    }

    /// The cells of the location columns the table has, in order (ACCOUNT, REGION).
    fn location<T>(&self, account: impl FnOnce() -> T, region: impl FnOnce() -> T) -> Vec<T> {
        let mut cells = Vec::new();
        if self.any && self.account.is_none() {
            cells.push(account());
        }
        if self.any && self.region.is_none() {
            cells.push(region());
        }
        cells
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gateway(account: &str, region: &str, name: &str) -> ResourceRef {
        ResourceRef::from_path(&format!("mesh/m/virtualGateway/{name}"), account, region).unwrap()
    }

    fn render(resources: &[ResourceRef]) -> (String, Option<String>) {
        let columns = ResourceColumns::of(resources);
        let mut table = columns.table(&["STATUS"]);
        for resource in resources {
            table.row(columns.row(resource, vec!["NON_COMPLIANT".into()]));
        }
        (table.render(), columns.shared())
    }

    #[test]
    fn rows_in_one_account_and_region_show_the_short_path_only() {
        let (text, shared) = render(&[
            gateway("111122223333", "us-east-1", "a"),
            gateway("111122223333", "us-east-1", "b"),
        ]);
        assert_eq!(
            text,
            "RESOURCE                 STATUS\n\
             mesh/m/virtualGateway/a  NON_COMPLIANT\n\
             mesh/m/virtualGateway/b  NON_COMPLIANT\n"
        );
        assert!(!text.contains("appmesh:"));
        assert_eq!(
            shared.as_deref(),
            Some("account 111122223333, region us-east-1")
        );
    }

    #[test]
    fn a_region_column_appears_when_the_regions_differ() {
        let (text, shared) = render(&[
            gateway("111122223333", "us-east-1", "a"),
            gateway("111122223333", "eu-west-1", "a"),
        ]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("REGION     RESOURCE"), "{text}");
        assert!(lines[1].starts_with("us-east-1  mesh/m/virtualGateway/a"));
        assert!(lines[2].starts_with("eu-west-1  mesh/m/virtualGateway/a"));
        assert!(!text.contains("ACCOUNT"));
        assert_eq!(shared.as_deref(), Some("account 111122223333"));
    }

    #[test]
    fn account_and_region_columns_when_both_differ() {
        let (text, shared) = render(&[
            gateway("111122223333", "us-east-1", "a"),
            gateway("444455556666", "eu-west-1", "a"),
        ]);
        assert!(
            text.starts_with("ACCOUNT       REGION     RESOURCE"),
            "{text}"
        );
        assert!(text.contains("444455556666  eu-west-1  mesh/m/virtualGateway/a"));
        assert_eq!(shared, None);
    }

    #[test]
    fn an_empty_table_has_only_the_resource_column_and_shares_nothing() {
        let (text, shared) = render(&[]);
        assert_eq!(text, "RESOURCE  STATUS\n");
        assert_eq!(shared, None);
    }
}

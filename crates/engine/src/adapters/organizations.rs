//! The AWS Organizations adapter of [`AccountDirectory`]: `ListAccounts`, every page (of
//! [`PAGE_SIZE`], the API's largest), keeping the accounts whose `State` is `ACTIVE`
//! (<https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html>;
//! callable from the management account or a delegated administrator only).

use crate::adapters::aws::classify;
use crate::core::error::PortError;
use crate::core::ports::AccountDirectory;
use aws_sdk_organizations::types::AccountState;
use futures::future::BoxFuture;

/// Accounts per `ListAccounts` page (`MaxResults` may be 1 to 20).
pub const PAGE_SIZE: i32 = 20;

/// The organisation's accounts, through the AWS SDK.
#[derive(Debug, Clone)]
pub struct OrganizationsDirectory {
    client: aws_sdk_organizations::Client,
}

impl OrganizationsDirectory {
    /// The directory read with `client`.
    pub fn new(client: aws_sdk_organizations::Client) -> Self {
        OrganizationsDirectory { client }
    }

    async fn list(&self) -> Result<Vec<String>, PortError> {
        let mut pages = self
            .client
            .list_accounts()
            .max_results(PAGE_SIZE)
            .into_paginator()
            .send();
        let mut active = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("ListAccounts", e))?;
            active.extend(
                page.accounts()
                    .iter()
                    .filter(|a| a.state() == Some(&AccountState::Active))
                    .filter_map(|a| a.id().map(str::to_owned)),
            );
        }
        Ok(active)
    }
}

impl AccountDirectory for OrganizationsDirectory {
    fn active_accounts(&self) -> BoxFuture<'_, Result<Vec<String>, PortError>> {
        Box::pin(self.list())
    }
}

//! The `reports` capability of handler plugins: rendered reports of one tenant's scans, stored in
//! the store's reports table (what `lgp scan --out` writes and the API serves).

use crate::grants::to_service_error;
use lgp_events::TenantId;
use lgp_runtime::{RenderedReport, ReportStore, ServiceError};
use lgp_store::Store;
use std::sync::Arc;

/// One tenant's reports.
pub(crate) struct StoreReports {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) tenant: TenantId,
}

#[async_trait::async_trait]
impl ReportStore for StoreReports {
    async fn check_scan(&self, scan_id: &str) -> Result<(), ServiceError> {
        self.store
            .get_scan(&self.tenant, scan_id)
            .await
            .map(|_| ())
            .map_err(to_service_error)
    }

    async fn store(&self, reports: Vec<RenderedReport>) -> Result<(), ServiceError> {
        for r in reports {
            self.store
                .put_report(&self.tenant, &r.scan_id, &r.format, &r.body)
                .await
                .map_err(to_service_error)?;
        }
        Ok(())
    }
}

//! The browser's IndexedDB, where runs are autosaved: from the worker (writing and reading
//! project files, so their megabytes never cross to the page) and from the page (listing and
//! deleting). Through the `idb` crate, which works in any global scope.
//!
//! Database `gan-playground`: store `runs` (a [`SavedRun`] as JSON, by run id) and store
//! `projects` (the project file's bytes, by run id), always written together.

use idb::{
    Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode, TransactionResult,
};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::IdbTransaction;

use crate::saved_runs::SavedRun;

const DATABASE: &str = "gan-playground";
const VERSION: u32 = 1;
const RUNS: &str = "runs";
const PROJECTS: &str = "projects";

/// Why the browser's storage failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    /// The browser refused the write: the storage it allows this page is full.
    #[error(
        "the browser's storage for this page is full ({0}); training goes on, but only \
         \"Download project\" keeps your work now"
    )]
    Quota(String),
    /// IndexedDB is missing (some private windows) or failed.
    #[error("the browser's storage failed: {0}")]
    Failed(String),
}

fn failed(e: impl std::fmt::Display) -> StoreError {
    StoreError::Failed(e.to_string())
}

/// A DOM exception as an error: quota errors recognised by name.
fn dom_error(e: Option<web_sys::DomException>) -> StoreError {
    match e {
        Some(e) if e.name() == "QuotaExceededError" => StoreError::Quota(e.message()),
        Some(e) => StoreError::Failed(format!("{}: {}", e.name(), e.message())),
        None => StoreError::Failed("the write was aborted".into()),
    }
}

async fn open() -> Result<Database, StoreError> {
    let factory = Factory::new().map_err(failed)?;
    let mut request = factory.open(DATABASE, Some(VERSION)).map_err(failed)?;
    request.on_upgrade_needed(|event| {
        if let Ok(database) = event.database() {
            for store in [RUNS, PROJECTS] {
                if !database.store_names().iter().any(|s| s == store) {
                    let _ = database.create_object_store(store, ObjectStoreParams::new());
                }
            }
        }
    });
    request.await.map_err(failed)
}

/// Every saved run (without their bytes), unordered.
pub async fn list() -> Result<Vec<SavedRun>, StoreError> {
    let database = open().await?;
    let transaction = database
        .transaction(&[RUNS], TransactionMode::ReadOnly)
        .map_err(failed)?;
    let store = transaction.object_store(RUNS).map_err(failed)?;
    let values = store
        .get_all(None, None)
        .map_err(failed)?
        .await
        .map_err(failed)?;
    Ok(values
        .into_iter()
        .filter_map(|v| v.as_string())
        .filter_map(|json| serde_json::from_str(&json).ok())
        .collect())
}

/// Writes a run's project file and its listing together (one transaction: never one without
/// the other).
pub async fn save(run: &SavedRun, project: &[u8]) -> Result<(), StoreError> {
    let database = open().await?;
    let raw: IdbTransaction = database
        .transaction(&[RUNS, PROJECTS], TransactionMode::ReadWrite)
        .map_err(failed)?
        .into();
    // Kept to read why it aborted: a quota error aborts the transaction at commit, and the
    // `idb` future then only says "aborted".
    let transaction = idb::Transaction::from(raw.clone());
    let key = JsValue::from_str(&run.run_id);
    let json = serde_json::to_string(run).map_err(failed)?;
    let bytes = js_sys::Uint8Array::from(project);
    let put = |store: &str, value: &JsValue| -> Result<(), StoreError> {
        let store = transaction.object_store(store).map_err(failed)?;
        // The request's own future is not awaited: the transaction's outcome says it all.
        store.put(value, Some(&key)).map_err(failed)?;
        Ok(())
    };
    put(PROJECTS, &bytes.into())?;
    put(RUNS, &JsValue::from_str(&json))?;
    match transaction.commit().map_err(failed)?.await {
        Ok(TransactionResult::Committed) => Ok(()),
        Ok(TransactionResult::Aborted) | Err(_) => Err(dom_error(raw.error())),
    }
}

/// A run's project file, if it is stored.
pub async fn load(run_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
    let database = open().await?;
    let transaction = database
        .transaction(&[PROJECTS], TransactionMode::ReadOnly)
        .map_err(failed)?;
    let store = transaction.object_store(PROJECTS).map_err(failed)?;
    let value = store
        .get(JsValue::from_str(run_id))
        .map_err(failed)?
        .await
        .map_err(failed)?;
    Ok(value
        .and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok())
        .map(|bytes| bytes.to_vec()))
}

/// Deletes a run (its listing and its project file).
pub async fn delete(run_id: &str) -> Result<(), StoreError> {
    let database = open().await?;
    let transaction = database
        .transaction(&[RUNS, PROJECTS], TransactionMode::ReadWrite)
        .map_err(failed)?;
    for name in [RUNS, PROJECTS] {
        let store = transaction.object_store(name).map_err(failed)?;
        store.delete(JsValue::from_str(run_id)).map_err(failed)?;
    }
    match transaction.commit().map_err(failed)?.await {
        Ok(TransactionResult::Committed) => Ok(()),
        _ => Err(StoreError::Failed("the deletion was aborted".into())),
    }
}

//! The key/value state the alert engine keeps, behind a small trait so the lifecycle runs
//! natively in tests over a map and in the component over the host's `state` capability.

use lgp_sdk::HostError;
use lgp_sdk::handler::state;

/// Key/value state private to the plugin and the event's tenant.
pub trait KeyValue {
    /// Reads a value; `None` when the key is absent.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, HostError>;
    /// Writes a value, replacing any previous one.
    fn set(&mut self, key: &str, value: &[u8]) -> Result<(), HostError>;
    /// Deletes a key; deleting an absent key succeeds.
    fn delete(&mut self, key: &str) -> Result<(), HostError>;
    /// One page of keys starting with `prefix` (ordered), and the cursor of the next page.
    fn list_keys(
        &self,
        prefix: &str,
        cursor: Option<&str>,
    ) -> Result<(Vec<String>, Option<String>), HostError>;
}

/// The host's `state` capability (granted because the manifest asks for `state`).
#[derive(Debug, Clone, Copy, Default)]
pub struct HostState;

impl KeyValue for HostState {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, HostError> {
        state::get(key)
    }

    fn set(&mut self, key: &str, value: &[u8]) -> Result<(), HostError> {
        state::set(key, value)
    }

    fn delete(&mut self, key: &str) -> Result<(), HostError> {
        state::delete(key)
    }

    fn list_keys(
        &self,
        prefix: &str,
        cursor: Option<&str>,
    ) -> Result<(Vec<String>, Option<String>), HostError> {
        state::list_keys(prefix, cursor)
    }
}

/// An in-memory [`KeyValue`] for native tests, ordered like the host's listing.
#[cfg(test)]
#[derive(Debug, Default, Clone)]
pub struct MemoryState {
    /// The entries.
    pub map: std::collections::BTreeMap<String, Vec<u8>>,
    /// Keys per page, small in tests so paging is exercised.
    pub page: usize,
}

#[cfg(test)]
impl KeyValue for MemoryState {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, HostError> {
        Ok(self.map.get(key).cloned())
    }

    fn set(&mut self, key: &str, value: &[u8]) -> Result<(), HostError> {
        self.map.insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    fn delete(&mut self, key: &str) -> Result<(), HostError> {
        self.map.remove(key);
        Ok(())
    }

    fn list_keys(
        &self,
        prefix: &str,
        cursor: Option<&str>,
    ) -> Result<(Vec<String>, Option<String>), HostError> {
        let page = self.page.max(1);
        let keys: Vec<String> = self
            .map
            .keys()
            .filter(|k| k.starts_with(prefix))
            .filter(|k| cursor.is_none_or(|c| k.as_str() > c))
            .take(page + 1)
            .cloned()
            .collect();
        if keys.len() > page {
            let page_keys = keys[..page].to_vec();
            let next = page_keys.last().cloned();
            Ok((page_keys, next))
        } else {
            Ok((keys, None))
        }
    }
}

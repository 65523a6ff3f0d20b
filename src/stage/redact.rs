//! `convert --redact`: a bundle to share with a reviewer holds no secret values.
//! Every Password record keeps its name, username, URL and notes but not its
//! `password`; every flexible asset field of kind `Password` is blanked. Bodies
//! never hold secrets (classification replaces each secret cell by a reference
//! to its Password record), and findings never quote them.

use crate::bundle::Records;

/// Removes every secret value from the records; returns how many were removed.
pub fn redact(records: &mut Records) -> usize {
    let mut removed = 0;
    for p in &mut records.passwords {
        if p.password.take().is_some() {
            removed += 1;
        }
    }
    for asset in &mut records.flexible_assets {
        let Some(ty) = records
            .flexible_asset_types
            .iter()
            .find(|t| t.key == asset.type_)
        else {
            continue;
        };
        for field in ty.fields.iter().filter(|f| f.kind == "Password") {
            if let Some(v) = asset.traits.get_mut(&field.name)
                && !v.is_null()
            {
                *v = serde_json::Value::Null;
                removed += 1;
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::bundle::{FieldDef, FlexibleAsset, FlexibleAssetType, PageSource, Password};

    fn source() -> PageSource {
        PageSource {
            space_key: "S".into(),
            page_id: "1".into(),
        }
    }

    fn field(name: &str, kind: &str) -> FieldDef {
        FieldDef {
            name: name.into(),
            kind: kind.into(),
            required: false,
            show_in_list: false,
            tag_type: None,
            options: None,
        }
    }

    #[test]
    fn blanks_passwords_and_password_fields_only() {
        let mut r = Records {
            passwords: vec![Password {
                key: "pw/S/1/1".into(),
                org: "org/S".into(),
                name: "Router".into(),
                username: Some("admin".into()),
                password: Some("hunter2".into()),
                url: Some("https://r".into()),
                notes: None,
                category: None,
                embedded_in: None,
                source: source(),
            }],
            flexible_asset_types: vec![FlexibleAssetType {
                key: "fat/wifi".into(),
                name: "Wi-Fi".into(),
                description: None,
                fields: vec![field("SSID", "Text"), field("Key", "Password")],
            }],
            flexible_assets: vec![FlexibleAsset {
                key: "fa/S/2".into(),
                org: "org/S".into(),
                type_: "fat/wifi".into(),
                traits: BTreeMap::from([
                    ("SSID".to_string(), serde_json::json!("Guest")),
                    ("Key".to_string(), serde_json::json!("s3cret")),
                ]),
                tags: BTreeMap::new(),
                source: source(),
            }],
            ..Records::default()
        };
        assert_eq!(redact(&mut r), 2);
        assert_eq!(r.passwords[0].password, None);
        assert_eq!(r.passwords[0].username.as_deref(), Some("admin"));
        assert_eq!(r.flexible_assets[0].traits["Key"], serde_json::Value::Null);
        assert_eq!(r.flexible_assets[0].traits["SSID"], "Guest");
    }
}

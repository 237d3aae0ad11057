//! The facade exposes exactly the vendors whose features are on.

use record_facade::{ENABLED_VENDORS, Vendor};

#[test]
fn enabled_vendors_follow_features() {
    let expected: Vec<Vendor> = [
        (cfg!(feature = "zego"), Vendor::Zego),
        (cfg!(feature = "qingcloud"), Vendor::QingCloud),
        (cfg!(feature = "volc"), Vendor::Volcengine),
        (cfg!(feature = "agora"), Vendor::Agora),
    ]
    .into_iter()
    .filter_map(|(on, v)| on.then_some(v))
    .collect();
    assert_eq!(ENABLED_VENDORS, expected.as_slice());
}

#[cfg(all(
    feature = "zego",
    feature = "qingcloud",
    feature = "volc",
    feature = "agora"
))]
#[test]
fn every_vendor_module_is_reachable_and_names_its_vendor() {
    assert_eq!(record_facade::zego::VENDOR, Vendor::Zego);
    assert_eq!(record_facade::qingcloud::VENDOR, Vendor::QingCloud);
    assert_eq!(record_facade::volc::VENDOR, Vendor::Volcengine);
    assert_eq!(record_facade::agora::VENDOR, Vendor::Agora);
    // record-core items are re-exported at the root.
    assert!(record_facade::RecordingState::Completed.is_terminal());
}

//! The XML fast path against `quick-xml`: wherever the fast path answers,
//! it must find the same fields with the same values. Neither may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wechat_api::crypto::fields_by_both_paths;
use wechat_api_fuzz::assert_clean;

fuzz_target!(|xml: &str| {
    let (fast, reference) = fields_by_both_paths(xml);
    if let Err(error) = &reference {
        assert_clean(error);
    }
    if let Some(fast) = fast {
        match reference {
            Ok(reference) => assert_eq!(fast, reference, "the paths disagree on {xml:?}"),
            Err(error) => {
                panic!("the fast path accepted what quick-xml refuses ({error}): {xml:?}")
            }
        }
    }
});

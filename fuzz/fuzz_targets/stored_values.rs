#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cognito_srp_auth_fuzz::targets::stored_values(data));

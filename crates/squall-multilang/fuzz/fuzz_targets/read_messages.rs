//! Reads arbitrary bytes as a child's stdout: `end`-terminated JSON messages. Must never panic or
//! read past its size limit, whatever the child writes; a bad message is an error and stops
//! reading, as the host then stops the child.

#![no_main]

use libfuzzer_sys::fuzz_target;
use squall_multilang::codec::MessageReader;

fuzz_target!(|data: &[u8]| {
    for limit in [64, 1 << 20] {
        let mut reader = MessageReader::new(data, limit);
        // Each read consumes at least one byte or ends, so this many reads always suffice.
        for _ in 0..=data.len() + 1 {
            let result = reader.read_message();
            assert!(reader.buffer_capacity() <= limit, "buffer beyond the limit");
            match result {
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
    }
});

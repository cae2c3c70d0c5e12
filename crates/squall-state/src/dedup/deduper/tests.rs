use squall_api::{Fields, MessageId, StreamSchema, TaskId, Tuple, values};

use super::*;

fn words(values: squall_api::Values) -> Tuple {
    let schema =
        StreamSchema::intern("split", "default", &Fields::from(["word", "line", "index", "done_below"]));
    Tuple::new(schema, TaskId(1), values, MessageId::untracked())
}

fn record() -> TypedMap<SysKey, SysValue> {
    TypedMap::new(1)
}

#[test]
fn plain_identities_are_recognized_with_their_outputs() {
    let mut d = Deduper::new(Dedup::fields(["line", "index"]));
    let mut r = record();
    let t = words(values!["cow", 1, 0, 0]);
    let Check::Fresh(id) = d.check(&t, &mut r) else { panic!("fresh") };
    d.record(id, vec![output("default", None, &[Value::from("cow"), Value::I64(1)])], &mut r);
    match d.check(&words(values!["cow", 1, 0, 0]), &mut r) {
        Check::Duplicate(outputs) => {
            assert_eq!(outputs, vec![output("default", None, &[Value::from("cow"), Value::I64(1)])])
        }
        other => panic!("expected a duplicate, got {other:?}"),
    }
    assert!(matches!(d.check(&words(values!["cow", 1, 1, 0]), &mut r), Check::Fresh(_)), "another position");
    assert_eq!(d.skipped, 1);
}

#[test]
fn a_stream_without_the_fields_is_not_deduplicated() {
    let mut d = Deduper::new(Dedup::fields(["line", "index"]));
    let schema = StreamSchema::intern("other", "default", &Fields::from(["word"]));
    let t = Tuple::new(schema, TaskId(1), values!["x"], MessageId::untracked());
    assert!(matches!(d.check(&t, &mut record()), Check::Unidentified));
    assert!(matches!(d.check(&Tuple::tick(1), &mut record()), Check::Unidentified));
}

#[test]
fn the_watermark_prunes_the_record_and_skips_what_is_below_it() {
    let mut d = Deduper::new(Dedup::fields(["line", "index"]).with_watermark("line", "done_below"));
    let mut r = record();
    for (line, index) in [(0, 0), (0, 1), (1, 0), (2, 0)] {
        let Check::Fresh(id) = d.check(&words(values!["w", line, index, 0]), &mut r) else { panic!("fresh") };
        d.record(id, vec![], &mut r);
    }
    assert_eq!(r.data().len(), 4, "three sequences and a watermark");
    assert!(matches!(d.check(&words(values!["w", 1, 0, 0]), &mut r), Check::Duplicate(_)));
    // Lines 0 and 1 complete: their entries go, and they count as applied.
    assert!(matches!(d.check(&words(values!["w", 2, 1, 2]), &mut r), Check::Fresh(_)));
    let keys: Vec<&SysKey> = r.data().keys().collect();
    assert_eq!(r.data().len(), 2, "{keys:?}");
    assert!(matches!(d.check(&words(values!["w", 0, 5, 0]), &mut r), Check::Duplicate(o) if o.is_empty()));
    // A restarted source sends a lower watermark: nothing moves back.
    assert!(matches!(d.check(&words(values!["w", 1, 3, 0]), &mut r), Check::Duplicate(_)));
}

#[test]
fn a_rollback_restores_the_record_and_the_index() {
    let mut d = Deduper::new(Dedup::fields(["line", "index"]).with_watermark("line", "done_below"));
    let mut r = record();
    let Check::Fresh(id) = d.check(&words(values!["w", 0, 0, 0]), &mut r) else { panic!("fresh") };
    d.record(id, vec![], &mut r);
    r.mark_prepared();
    r.mark_committed();
    let Check::Fresh(id) = d.check(&words(values!["w", 1, 0, 1]), &mut r) else { panic!("fresh") };
    d.record(id, vec![], &mut r);
    r.roll_back();
    d.rebuild(&r);
    assert!(
        matches!(d.check(&words(values!["w", 0, 0, 0]), &mut r), Check::Duplicate(_)),
        "committed, so kept"
    );
    assert!(matches!(d.check(&words(values!["w", 1, 0, 0]), &mut r), Check::Fresh(_)), "rolled back");
}

#[test]
fn sources_keep_separate_watermarks() {
    let schema = StreamSchema::intern("s", "default", &Fields::from(["src", "seq", "wm"]));
    let t = |src: i64, seq: i64, wm: i64| {
        Tuple::new(schema, TaskId(1), values![src, seq, wm], MessageId::untracked())
    };
    let mut d = Deduper::new(Dedup::fields(["src", "seq"]).with_watermark("seq", "wm").per_source(["src"]));
    let mut r = record();
    assert!(matches!(d.check(&t(0, 5, 5), &mut r), Check::Fresh(_)));
    assert!(matches!(d.check(&t(0, 4, 0), &mut r), Check::Duplicate(_)), "below source 0's watermark");
    assert!(matches!(d.check(&t(1, 4, 0), &mut r), Check::Fresh(_)), "source 1 has its own");
}

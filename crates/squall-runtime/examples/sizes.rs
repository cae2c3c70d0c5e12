use bytes::Bytes;
use smol_str::SmolStr;
use std::collections::BTreeMap;
#[allow(dead_code)]
enum A {
    Null,
    Bool(bool),
    I64(i64),
    F64(f64),
    Str(SmolStr),
    Bytes(Box<Bytes>),
    List(Vec<A>),
    Map(BTreeMap<SmolStr, A>),
}
#[allow(dead_code)]
enum B {
    Null,
    Bool(bool),
    I64(i64),
    F64(f64),
    Str(SmolStr),
    Bytes(Box<Bytes>),
    List(Box<[B]>),
    Map(Box<BTreeMap<SmolStr, B>>),
}
#[allow(dead_code)]
enum C {
    Null,
    Bool(bool),
    I64(i64),
    F64(f64),
    Str(SmolStr),
    Bytes(Box<Bytes>),
    List(Box<Vec<C>>),
    Map(Box<BTreeMap<SmolStr, C>>),
}
fn main() {
    println!("A {}", std::mem::size_of::<A>());
    println!("B {}", std::mem::size_of::<B>());
    println!("C {}", std::mem::size_of::<C>());
    println!("Tuple {}", std::mem::size_of::<squall_api::Tuple>());
}

//! section / column and other pure layout macros: flattened in reading order.

use super::{Macro, Out};
use crate::read::storage::Conv;

pub fn convert(conv: &mut Conv, m: &Macro) -> Out {
    Out::Blocks(m.rich_blocks(conv))
}

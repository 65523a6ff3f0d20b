//! details / page-properties: the body (a two-column table) is kept as it is;
//! classification reads it later.

use super::{Macro, Out};
use crate::read::storage::Conv;

pub fn convert(conv: &mut Conv, m: &Macro) -> Out {
    conv.converted("details", "the page properties table is kept as a table");
    Out::Blocks(m.rich_blocks(conv))
}

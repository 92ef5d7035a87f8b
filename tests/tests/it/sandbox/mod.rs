mod faults;
mod paging;
mod push;
mod spec;
mod tokens;

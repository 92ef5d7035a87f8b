mod faults;
mod push;
mod spec;
mod tokens;

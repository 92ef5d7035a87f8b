mod authorizer_push;
mod calls;
mod faults;
mod paging;
mod push;
mod spec;
mod tokens;

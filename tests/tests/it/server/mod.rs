mod emfile;
mod rate_limit;
mod shutdown;
mod slow_clients;

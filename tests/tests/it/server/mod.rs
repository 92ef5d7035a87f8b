mod emfile;
mod rate_limit;
mod slow_clients;

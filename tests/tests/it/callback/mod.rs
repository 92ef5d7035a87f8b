mod authorizer;
mod component;
mod messages;
mod redis;
mod release_test;
mod routes;
mod ticket_durable;
mod vectors;

mod quickstart;
mod release_test;

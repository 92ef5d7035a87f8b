mod events;
mod jssdk;
mod msg_crypt;

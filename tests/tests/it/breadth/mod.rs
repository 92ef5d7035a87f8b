mod code_lifecycle;
mod custom_message;
mod media;
mod menu;

mod answer_memory;
mod call;
mod limits;
mod media;
mod multipart;
mod raw;

//! The 2-D lab's worker: the game on points in the plane, on burn's CPU backend, in a Web
//! Worker of its own (`worker::lab_worker`).

fn main() {
    worker::start_lab();
}

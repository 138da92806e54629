//! Small browser helpers: downloads, reading files, drawing RGBA onto a canvas.

use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{
    Blob, BlobPropertyBag, CanvasRenderingContext2d, HtmlAnchorElement, HtmlCanvasElement,
    ImageData, Url,
};

/// Offers `bytes` to the user as a file named `name`.
pub fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| format!("{e:?}"))?;
    download_blob(name, &blob)
}

/// Offers `blob` to the user as a file named `name`.
fn download_blob(name: &str, blob: &Blob) -> Result<(), String> {
    let url = Url::create_object_url_with_blob(blob).map_err(|e| format!("{e:?}"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| format!("{e:?}"))?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    Url::revoke_object_url(&url).map_err(|e| format!("{e:?}"))?;
    Ok(())
}

/// The files of a file list.
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The bytes of a file.
pub async fn read_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let blob = gloo_file::Blob::from(web_sys::Blob::from(file.clone()));
    gloo_file::futures::read_as_bytes(&blob)
        .await
        .map_err(|e| format!("could not read the file: {e}"))
}

/// Draws RGBA8 pixels onto `canvas`, resizing it to the image.
pub fn draw_rgba(canvas: &HtmlCanvasElement, width: u32, height: u32, rgba: &[u8]) {
    canvas.set_width(width);
    canvas.set_height(height);
    let Some(context) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    if let Ok(image) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), width, height) {
        let _ = context.put_image_data(&image, 0, 0);
    }
}

/// Offers RGBA8 pixels to the user as a PNG file named `name`, encoded by the browser's canvas
/// (`toBlob`): the page links no image encoder.
pub async fn download_png(name: &str, width: u32, height: u32, rgba: &[u8]) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(|e| format!("{e:?}"))?
        .unchecked_into();
    draw_rgba(&canvas, width, height, rgba);
    let encoded = js_sys::Promise::new(&mut |resolve, reject| {
        let on_fail = reject.clone();
        let done = wasm_bindgen::closure::Closure::once_into_js(move |blob: JsValue| {
            // `toBlob` gives null when the canvas cannot be encoded (e.g. zero-sized).
            let _ = if blob.is_null() { &reject } else { &resolve }.call1(&JsValue::NULL, &blob);
        });
        if let Err(e) = canvas.to_blob_with_type(done.unchecked_ref(), "image/png") {
            let _ = on_fail.call1(&JsValue::NULL, &e);
        }
    });
    let blob = wasm_bindgen_futures::JsFuture::from(encoded)
        .await
        .map_err(|_| "the browser could not encode the PNG".to_string())?;
    download_blob(name, blob.unchecked_ref())
}

/// Milliseconds since the page started (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Whether this browser's WebAssembly has relaxed SIMD: it validates the smallest module that
/// uses it. (`WebAssembly.validate` compiles nothing; it takes well under a millisecond.)
pub fn has_relaxed_simd() -> bool {
    let probe = js_sys::Uint8Array::from(&protocol::device::RELAXED_SIMD_PROBE[..]);
    js_sys::WebAssembly::validate(&probe).unwrap_or(false)
}

/// Replaces the page address's query (`?cpu`) without a reload, keeping its path and hash.
pub fn set_query(query: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let (location, Ok(history)) = (window.location(), window.history()) else {
        return;
    };
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let _ =
        history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{query}{hash}")));
}

/// `navigator.locks`, where the browser has it. Web Locks are behind web-sys's unstable APIs
/// (a build flag for the whole crate graph), so the three calls used are made by hand.
fn lock_manager() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    js_sys::Reflect::get(&navigator, &JsValue::from_str("locks"))
        .ok()
        .filter(|l| !l.is_undefined())
}

/// Holds the Web Lock `name` for as long as the page lives (the browser frees it when the tab
/// closes or reloads): how other tabs see that a run is in use.
pub fn hold_lock(name: &str) {
    let Some(locks) = lock_manager() else { return };
    let Ok(request) = js_sys::Reflect::get(&locks, &JsValue::from_str("request")) else {
        return;
    };
    let Ok(request) = request.dyn_into::<js_sys::Function>() else {
        return;
    };
    // The callback's promise never settles: the lock is held until the page goes.
    let hold =
        wasm_bindgen::closure::Closure::once_into_js(|| js_sys::Promise::new(&mut |_, _| {}));
    let _ = request.call2(&locks, &JsValue::from_str(name), &hold);
}

/// Takes the Web Lock `name` only if no other tab holds it, and then keeps it for as long as
/// the page lives; whether it was taken (true where the browser has no Web Locks). A tab
/// duplicated by the browser starts with a copy of its original's sessionStorage, so both
/// would claim one run: this tells them apart.
pub async fn try_hold_lock(name: &str) -> bool {
    let Some(locks) = lock_manager() else {
        return true;
    };
    let Some(request) = js_sys::Reflect::get(&locks, &JsValue::from_str("request"))
        .ok()
        .and_then(|r| r.dyn_into::<js_sys::Function>().ok())
    else {
        return true;
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &JsValue::from_str("ifAvailable"), &JsValue::TRUE);
    let (taken, answer) = futures::channel::oneshot::channel::<bool>();
    // Called with the lock, or with null when another tab holds it; returning a promise that
    // never settles keeps the lock.
    let callback = wasm_bindgen::closure::Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let held = !lock.is_null();
        let _ = taken.send(held);
        if held {
            js_sys::Promise::new(&mut |_, _| {}).into()
        } else {
            JsValue::UNDEFINED
        }
    });
    if request
        .call3(&locks, &JsValue::from_str(name), &options, &callback)
        .is_err()
    {
        return true;
    }
    answer.await.unwrap_or(false)
}

/// The names of the Web Locks held now, by any tab of this site.
pub async fn held_locks() -> Vec<String> {
    let Some(locks) = lock_manager() else {
        return Vec::new();
    };
    let query = js_sys::Reflect::get(&locks, &JsValue::from_str("query"))
        .ok()
        .and_then(|q| q.dyn_into::<js_sys::Function>().ok());
    let Some(promise) = query
        .and_then(|q| q.call0(&locks).ok())
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
    else {
        return Vec::new();
    };
    let Ok(snapshot) = wasm_bindgen_futures::JsFuture::from(promise).await else {
        return Vec::new();
    };
    let held = js_sys::Reflect::get(&snapshot, &JsValue::from_str("held")).unwrap_or_default();
    js_sys::Array::from(&held)
        .iter()
        .filter_map(|lock| js_sys::Reflect::get(&lock, &JsValue::from_str("name")).ok())
        .filter_map(|name| name.as_string())
        .collect()
}

/// Asks the browser to keep this site's storage when space runs low; whether it will.
pub async fn persist_storage() -> bool {
    let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) else {
        return false;
    };
    let Ok(promise) = storage.persist() else {
        return false;
    };
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// (bytes used, bytes allowed) of this site's storage, where the browser says.
pub async fn storage_estimate() -> Option<(f64, f64)> {
    let storage = web_sys::window()?.navigator().storage();
    let estimate = wasm_bindgen_futures::JsFuture::from(storage.estimate().ok()?)
        .await
        .ok()?;
    let estimate: web_sys::StorageEstimate = estimate.unchecked_into();
    Some((estimate.get_usage()?, estimate.get_quota()?))
}

/// A new random identifier (for a tab's run).
pub fn random_id() -> String {
    let crypto =
        web_sys::window().and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("crypto")).ok());
    let uuid = crypto.and_then(|c| {
        let f = js_sys::Reflect::get(&c, &JsValue::from_str("randomUUID")).ok()?;
        f.dyn_into::<js_sys::Function>()
            .ok()?
            .call0(&c)
            .ok()?
            .as_string()
    });
    uuid.unwrap_or_else(|| format!("run-{}", (js_sys::Math::random() * 1e16) as u64))
}

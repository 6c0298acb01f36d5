//! The page's files, compiled into the binary so that the explorer works
//! offline and from any folder: no CDN, no files read at run time.
//! Charts are the SVG figures `airace run` draws (sent by the API) and, for
//! the replay, small SVG drawn by `app.js`: no chart library.

/// The page.
pub const INDEX_HTML: &str = include_str!("assets/index.html");
/// Its script.
pub const APP_JS: &str = include_str!("assets/app.js");
/// Its style sheet.
pub const STYLE_CSS: &str = include_str!("assets/style.css");

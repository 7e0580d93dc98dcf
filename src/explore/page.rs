//! The HTML page: the data blob, the script and the style inline, under a Content-Security-Policy
//! that forbids every request, so the file works from `file://` with no server and no network.

/// The page's script, hand-written, no framework and no build step: its parts in the order
/// they run, one scope (see each file's first line).
const SCRIPT: [&str; 5] = [
    include_str!("js/data.js"),
    include_str!("js/causal.js"),
    include_str!("js/view.js"),
    include_str!("js/ui.js"),
    include_str!("js/main.js"),
];
/// One run's side of the two-run page (its part of the divergence), inside each run's scope.
const PAIR_RUN: &str = include_str!("js/pair_run.js");
/// The two-run page's own script: the runs' shared axis, the divergence, the joint self-test.
const PAIR_SCRIPT: &str = include_str!("js/pair.js");
/// The page's style.
const STYLE: &str = include_str!("page.css");
/// The two-run page's style, after the page's.
const PAIR_STYLE: &str = include_str!("pair.css");

/// The policy: nothing may be fetched, connected to or framed; only the inline script and style
/// run. `default-src 'none'` covers images, fonts, media, workers and `connect-src` (fetch, XHR,
/// WebSocket); forms and the base URL are closed separately, as `default-src` does not cover
/// them.
pub(crate) const CSP: &str = "default-src 'none'; script-src 'unsafe-inline'; \
     style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// The page of a run titled `title`, with its data blob `json` (already safe inside `<script>`).
pub(crate) fn html(title: &str, json: &str) -> String {
    let mut page = head(title, json.len(), "");
    page.push_str(BODY);
    page.push_str("<script type=\"application/json\" id=\"data\">");
    page.push_str(json);
    page.push_str("</script>\n<script>\n\"use strict\";\n(function (PFX, PAIR) {\n");
    for part in SCRIPT {
        page.push_str(part);
    }
    page.push_str("})(\"\", null);\n</script>\n</body>\n</html>\n");
    page
}

/// The page of two runs stacked (`jsons`: their blobs), with `pair` (the divergence and the
/// axes both runs have, as JSON) read by `pair.js`.
pub(crate) fn pair_html(title: &str, jsons: [&str; 2], pair: &str) -> String {
    let mut page = head(title, jsons[0].len() + jsons[1].len(), PAIR_STYLE);
    page.push_str("<div id=\"pairbar\"><b>two runs</b> <span id=\"divergence\"></span></div>\n");
    for (prefix, json) in ["a-", "b-"].iter().zip(jsons) {
        page.push_str("<section class=\"run\">\n");
        page.push_str(
            &BODY
                .replace("id=\"selftest\"", "id=\"run-selftest\"")
                .replace("id=\"", &format!("id=\"{prefix}")),
        );
        page.push_str(&format!(
            "<script type=\"application/json\" id=\"{prefix}data\">"
        ));
        page.push_str(json);
        page.push_str("</script>\n</section>\n");
    }
    page.push_str(
        "<pre id=\"selftest\" hidden></pre>\n<script type=\"application/json\" id=\"pair\">",
    );
    page.push_str(&pair.replace("</", "<\\/"));
    page.push_str(
        "</script>\n<script>\n\"use strict\";\nconst explorer = function (PFX, PAIR) {\n",
    );
    for part in SCRIPT.iter().chain([&PAIR_RUN]) {
        page.push_str(part);
    }
    page.push_str("};\n");
    page.push_str(PAIR_SCRIPT);
    page.push_str("</script>\n</body>\n</html>\n");
    page
}

/// The page's start, up to `<body>`, sized for `data` bytes of data, with `extra` style.
fn head(title: &str, data: usize, extra: &str) -> String {
    let title = crate::diagram::svg::escape(title);
    let script_len: usize = SCRIPT.iter().map(|s| s.len()).sum();
    let mut page = String::with_capacity(data + script_len + STYLE.len() + 4096);
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
    ));
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.push_str(&format!("<title>logiclock explore: {title}</title>\n"));
    page.push_str(&format!(
        "<style>\n{STYLE}{extra}</style>\n</head>\n<body>\n"
    ));
    page
}

/// The page's elements; the script fills them.
const BODY: &str = r#"<header id="bar" class="bar">
<b id="title">logiclock explore</b>
<label>axis <select id="axis">
<option value="model">model time</option><option value="real">real time</option>
<option value="lamport">Lamport clock</option><option value="logical">logical order</option>
</select></label>
<span class="kinds">
<label><input type="checkbox" id="k0" checked> internal</label>
<label><input type="checkbox" id="k1" checked> send</label>
<label><input type="checkbox" id="k2" checked> recv</label>
</span>
<label>link <select id="link"><option value="">all</option></select></label>
<input id="search" placeholder="tick 12 · lamport 40 · 2:118 (machine:line)" size="30">
<button id="cutbtn" title="place a cut across all lanes at the middle (or press c over the view)">cut</button>
<button id="snapdown" title="the latest consistent cut before this one">snap ←</button>
<button id="snapup" title="the earliest consistent cut after this one">snap →</button>
<button id="clearcut">no cut</button>
<button id="fit" title="whole run (key 0)">fit</button>
<span id="status" class="status"></span>
</header>
<div id="lanes" class="lanes"></div>
<canvas id="view" class="view"></canvas>
<aside id="info" class="info"><p>Click an event: its causal past, future and the events concurrent with it.
Drag to pan, wheel to zoom (shift: pan), keys ← → + − 0; c places a cut at the mouse,
drag a lane's cut (or shift-click a lane) to move it there; untick a machine to hide it.</p></aside>
<pre id="selftest" hidden></pre>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_forbids_every_request_and_carries_its_data_inline() {
        let page = html("run<1>", r#"{"n":0}"#);
        assert!(page.contains("default-src 'none'"));
        assert!(page.contains(r#"<script type="application/json" id="data">{"n":0}</script>"#));
        assert!(page.contains("logiclock explore: run&lt;1&gt;"));
        for remote in ["http://", "https://", "src=\"", "url("] {
            assert!(!page.contains(remote), "{remote}");
        }
        // Links in the page only move within it.
        assert!(page
            .split("href=\"")
            .skip(1)
            .all(|rest| rest.starts_with('#')));
    }
}

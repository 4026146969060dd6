/** The dashboard's one HTML page: a shell that /app.js fills (no inline script or style, per the CSP). */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>brtops</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="#/">brtops</a>
  <nav id="nav" class="nav" hidden><a href="#/">Releases</a><a href="#/environments" id="nav-environments">Environments</a></nav>
  <span id="who" class="who"></span>
  <button id="passkey" class="link" type="button" hidden>Add a passkey</button>
  <button id="logout" class="link" type="button" hidden>Sign out</button>
</header>
<main id="main"><p class="muted">Loading…</p></main>
<div id="toast" class="toast" role="status" aria-live="polite" hidden></div>
<noscript><p class="muted">The brtops dashboard needs JavaScript. The same actions are in the CLI: brtops status, brtops approve.</p></noscript>
</body>
</html>
`;

import { getDocs } from '../contracts/docs.ts';
import { httpHandler } from '../kit/http-handler.ts';
import { HttpResponse } from '../kit/http-response.ts';

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Assay API</title>
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/docs-init.js"></script>
</body>
</html>
`;

// Everything is served from this origin: the page renders with no network.
const csp = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'";

export const handler = httpHandler(getDocs, async () =>
  HttpResponse.text(200, page, 'text/html; charset=utf-8', { 'content-security-policy': csp }),
);

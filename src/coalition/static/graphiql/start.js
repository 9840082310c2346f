// Starts GraphiQL against the URL that served the page (Coalition's own file, not vendored).
(function () {
  "use strict";
  var endpoint = window.location.href.split(/[?#]/)[0];
  var welcome = [
    "# Coalition's GraphQL API. To sign in, mint a token:",
    "#   coalition token --tenant lakeshore-manufacturing \\",
    "#     --email admin@lakeshore-manufacturing.example",
    "# and add it under Headers below:",
    '#   {"Authorization": "Bearer <token>"}',
    "",
    "{",
    "  viewer {",
    "    label",
    "    roles",
    "  }",
    "}",
    "",
  ].join("\n");
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: endpoint }),
      defaultQuery: welcome,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      inputValueDeprecation: true,
    })
  );
})();

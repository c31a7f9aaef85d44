/// The frame every page of both screens shares: Vietnamese, UTF-8, scaled for small screens,
/// one stylesheet served by the program itself, and the page's title both in the browser's tab
/// and as its heading.
public struct PageShell: Sendable {
    /// After the title in the browser's tab: the commune, or the dashboard's name.
    public var site: String
    /// The stylesheet's path on the same server: pages load nothing from elsewhere.
    public var stylesheet: String

    public init(site: String, stylesheet: String) {
        self.site = site
        self.stylesheet = stylesheet
    }

    /// A whole page. `banner` is what comes before `<main>` (header, navigation, the sync
    /// panel); `notice` sits above the heading (a flash message after a form was saved).
    public func page(title: String, banner: HTML, notice: HTML? = nil, body: HTML) -> HTML {
        """
        <!doctype html>
        <html lang="vi">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · \(site)</title>
        <link rel="stylesheet" href="\(stylesheet)">
        </head>
        <body>
        \(banner)
        <main>
        \(notice.map { "\($0)\n" as HTML })<h1>\(title)</h1>
        \(body)
        </main>
        </body>
        </html>
        """
    }
}

import Testing
import WebSupport

@Suite("HTML")
struct HTMLTests {
    @Test("interpolated text is escaped by default, in content and in attributes")
    func escapesByDefault() {
        let note = #"<script>alert("x")</script> & 'y'"#
        let html: HTML = "<td title=\"\(note)\">\(note)</td>"
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        #expect(html.markup == "<td title=\"\(escaped)\">\(escaped)</td>")
        #expect(!html.markup.contains("<script>"))
    }

    @Test("a fragment is inserted as it is: nothing is escaped twice")
    func nestedFragments() {
        let name = "Tom & Jerry <b>"
        let cell: HTML = "<td>\(name)</td>"
        let rows: [HTML] = [cell, "<td>\(42)</td>"]
        let table: HTML = "<table><tr>\(rows.joined(separator: " "))</tr></table>"
        #expect(table.markup == "<table><tr><td>Tom &amp; Jerry &lt;b&gt;</td> <td>42</td></tr></table>")
        let page: HTML = "<main>\(table)</main>"
        #expect(page.markup.contains("&amp;") && !page.markup.contains("&amp;amp;"))
    }

    @Test("an absent fragment writes nothing; a present one is markup")
    func optionalFragments() {
        let none: HTML? = nil
        let flash: HTML? = "<p class=\"flash\">\("Đã lưu")</p>"
        let html: HTML = "<main>\(none)\(flash)</main>"
        #expect(html.markup == "<main><p class=\"flash\">Đã lưu</p></main>")
    }

    @Test("markup from a runtime string needs the explicit escape hatch")
    func unsafeIsExplicit() {
        let svg = "<svg><rect width=\"3\"/></svg>"
        let asText: HTML = "\(svg)"
        let asMarkup: HTML = "\(HTML(unsafe: svg))"
        #expect(asText.markup == "&lt;svg&gt;&lt;rect width=&quot;3&quot;/&gt;&lt;/svg&gt;")
        #expect(asMarkup.markup == svg)
    }

    @Test("the page shell escapes the title and the site's name, and keeps Vietnamese as typed")
    func pageShell() {
        let shell = PageShell(site: "Xã <Long> Đống", stylesheet: "/assets/style.css")
        let page = shell.page(title: "Nhiệm vụ \"4.1\"", banner: "<header>Huyện</header>", notice: nil, body: "<p>Nội dung</p>")
        #expect(page.markup.hasPrefix("<!doctype html>\n<html lang=\"vi\">"))
        #expect(page.markup.contains("<title>Nhiệm vụ &quot;4.1&quot; · Xã &lt;Long&gt; Đống</title>"))
        #expect(page.markup.contains("<h1>Nhiệm vụ &quot;4.1&quot;</h1>"))
        #expect(page.markup.contains("<header>Huyện</header>") && page.markup.contains("<p>Nội dung</p>"))
        #expect(page.markup.contains("<link rel=\"stylesheet\" href=\"/assets/style.css\">"))
    }
}

@Suite("Escaping, on random text")
struct EscapingPropertyTests {
    /// Scalars that matter to HTML and to combining: the specials, combining marks, Vietnamese,
    /// ASCII letters, white space and an emoji.
    static let alphabet: [Unicode.Scalar] = Array("&<>\"'=+-@,;\t\n\r aZ0ăĐữ😀".unicodeScalars)
        + (0x300...0x30F).compactMap(Unicode.Scalar.init)

    static func randomText(_ random: inout some RandomNumberGenerator) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...24, using: &random) { scalars.append(alphabet.randomElement(using: &random)!) }
        return String(scalars)
    }

    @Test("escaped text holds no raw special and reads back, entity by entity, as exactly what was typed")
    func htmlRoundTrip() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let text = Self.randomText(&random)
            let markup = ("\(text)" as HTML).markup
            #expect(!markup.unicodeScalars.contains { "<>\"'".unicodeScalars.contains($0) }, "\(text.debugDescription)")
            #expect(Self.unescape(markup) == text, "\(text.debugDescription)")
        }
    }

    /// The five entities the escaper writes, read back on scalars.
    static func unescape(_ markup: String) -> String {
        var result = String.UnicodeScalarView()
        var rest = Substring(markup).unicodeScalars[...]
        let entities: [(String, Unicode.Scalar)] = [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'")]
        while let scalar = rest.first {
            if scalar == "&", let (entity, plain) = entities.first(where: { rest.starts(with: $0.0.unicodeScalars) }) {
                result.append(plain)
                rest = rest.dropFirst(entity.unicodeScalars.count)
            } else {
                result.append(scalar)
                rest = rest.dropFirst()
            }
        }
        return String(result)
    }
}

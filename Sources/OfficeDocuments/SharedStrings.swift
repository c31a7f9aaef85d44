import Foundation
import Synchronization

/// A streamed workbook's shared strings: text that repeats down a column (a commune's name, a
/// kind of record, an outcome) is written once, in `xl/sharedStrings.xml`, and each cell names
/// it by number, as Excel itself saves. A million-row audit's sheet shrinks by more than a
/// quarter (827 to 596 MB before deflating), and with it the work of checksumming and
/// deflating it. The table is filled by every core at
/// once; it stops growing at `capacity`, past which new text stays in its cell.
final class SharedStrings: Sendable {
    /// Enough for the names and kinds a district's exports repeat, small enough to hold.
    static let capacity = 1 << 16

    private struct Table {
        var index: [Bytes: Int] = [:]
        var strings: [String] = []
    }

    private let table = Mutex(Table())

    var isEmpty: Bool { table.withLock { $0.strings.isEmpty } }

    /// The number of `text` in the table, added if new; nil when the table is full.
    func index(of text: String) -> Int? {
        table.withLock { table in
            if let index = table.index[Bytes(text)] { return index }
            guard table.strings.count < Self.capacity else { return nil }
            table.index[Bytes(text)] = table.strings.count
            table.strings.append(text)
            return table.strings.count - 1
        }
    }

    /// `xl/sharedStrings.xml`: every text in the order numbered.
    func xml() -> [UInt8] {
        table.withLock { table in
            var xml = Array((OOXMLPackage.xmlDeclaration + #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="\#(table.strings.count)">"#).utf8)
            for text in table.strings {
                xml.append(contentsOf: "<si>".utf8)
                Spreadsheet.text(text, into: &xml)
                xml.append(contentsOf: "</si>".utf8)
            }
            xml.append(contentsOf: "</sst>".utf8)
            return xml
        }
    }

    /// One core's way into the table while it writes its rows: which columns share their text,
    /// and the last few texts of each with their numbers. Neighbouring rows mostly repeat them
    /// (one commune's exchange, progress and equipment in turn), so a cell is matched by
    /// comparing bytes; the table, locked and hashed, is asked only for the rest.
    struct Cursor {
        private static let remembered = 4
        private let strings: SharedStrings
        /// Per column, nil where it does not share; the latest first.
        private var recent: [[(text: String, index: Int)]?]

        /// `columns[i]` says whether column `i` shares its text.
        init(_ strings: SharedStrings, columns: [Bool]) {
            self.strings = strings
            recent = columns.map { $0 ? [] : nil }
        }

        /// The number of `text` in column `column`, or nil when it stays in its cell (empty
        /// text, a column that does not share, a full table).
        mutating func index(of text: String, column: Int) -> Int? {
            guard !text.isEmpty, column < recent.count, var texts = recent[column] else { return nil }
            if let known = texts.first(where: { Bytes($0.text) == Bytes(text) }) { return known.index }
            guard let index = strings.index(of: text) else { return nil }
            texts.insert((text, index), at: 0)
            recent[column] = Array(texts.prefix(Self.remembered))
            return index
        }
    }

    /// Text compared and hashed by its UTF-8 bytes. `String` compares and hashes by canonical
    /// equivalence, normalising Vietnamese text as it goes: that cost more than the smaller
    /// sheet saved. The hub's text is NFC already, so equal bytes are the same text.
    private struct Bytes: Hashable {
        let text: String

        init(_ text: String) {
            self.text = text
        }

        static func == (lhs: Bytes, rhs: Bytes) -> Bool {
            guard lhs.text.utf8.count == rhs.text.utf8.count else { return false }
            var left = lhs.text, right = rhs.text
            return left.withUTF8 { left in right.withUTF8 { right in left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0 } }
        }

        func hash(into hasher: inout Hasher) {
            var text = text
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }
}

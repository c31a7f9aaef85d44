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
        private let shares: [Bool]
        /// Column `c`'s last texts and their numbers at `c * remembered` on, the latest first
        /// (empty where there is none yet), in flat arrays: a cell's lookup copies nothing.
        private var texts: [String], numbers: [Int]

        /// `columns[i]` says whether column `i` shares its text.
        init(_ strings: SharedStrings, columns: [Bool]) {
            self.strings = strings
            shares = columns
            texts = Array(repeating: "", count: columns.count * Self.remembered)
            numbers = Array(repeating: 0, count: columns.count * Self.remembered)
        }

        /// The number of `text` in column `column`, or nil when it stays in its cell (empty
        /// text, a column that does not share, a full table).
        mutating func index(of text: String, column: Int) -> Int? {
            guard !text.isEmpty, column < shares.count, shares[column] else { return nil }
            let first = column * Self.remembered, slots = first..<first + Self.remembered
            if let slot = slots.first(where: { Bytes(texts[$0]) == Bytes(text) }) { return numbers[slot] }
            guard let index = strings.index(of: text) else { return nil }
            for slot in slots.dropFirst().reversed() {
                texts[slot] = texts[slot - 1]
                numbers[slot] = numbers[slot - 1]
            }
            texts[first] = text
            numbers[first] = index
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
            // Native strings, as the hub's are, always lend their bytes.
            let equal = lhs.text.utf8.withContiguousStorageIfAvailable { left in
                rhs.text.utf8.withContiguousStorageIfAvailable { right in
                    left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
                }
            }
            return (equal ?? nil) ?? lhs.text.utf8.elementsEqual(rhs.text.utf8)
        }

        func hash(into hasher: inout Hasher) {
            var text = text
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }
}

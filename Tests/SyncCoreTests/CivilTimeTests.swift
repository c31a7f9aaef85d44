import Foundation
import Testing

@testable import SyncCore

/// The audit's times are formatted by arithmetic (`CivilTime`), not by a Foundation formatter per
/// row: the arithmetic must say what Foundation says, in UTC and in Vietnam's time.
@Suite("Civil time")
struct CivilTimeTests {
    @Test("ISO 8601 receive times and Vietnamese date-times match Foundation's formatters, 1900 to 2200")
    func matchesFoundation() {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let vietnamese = DateFormatter()
        vietnamese.locale = Locale(identifier: "vi_VN")
        vietnamese.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        vietnamese.dateFormat = "dd/MM/yyyy HH:mm:ss"
        var random = SystemRandomNumberGenerator()
        let edges: [Int64] = [0, -1, 86_399_999, 86_400_000 - 7 * 3_600_000, 951_782_400_000, 4_107_542_399_999, -2_208_988_800_000]
        let samples = edges + (0..<20_000).map { _ in Int64.random(in: 0...7_258_118_400_000, using: &random) }
        for millis in samples {
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            #expect(isoTimestamp(millis: millis) == iso.string(from: date), "\(millis)")
            #expect(VietnameseFormat.dateTime(millis: millis, seconds: true) == vietnamese.string(from: date), "\(millis)")
        }
        #expect(VietnameseFormat.dateTime(millis: 1_764_743_400_000) == "03/12/2025 13:30")
    }

    @Test("stored ISO 8601 moments read back as Foundation reads them: fractions, offsets, and nothing else")
    func parsesAsFoundation() {
        let whole = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let millis = Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &random)
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            for formatter in [whole, fractional] {
                formatter.timeZone = TimeZone(secondsFromGMT: [0, 7 * 3600, -(5 * 3600 + 30 * 60)].randomElement(using: &random)!)
                let text = formatter.string(from: date)
                let expected = formatter.date(from: text).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
                #expect(CivilTime.millis(iso: text) == expected, "\(text)")
            }
        }
        #expect(CivilTime.millis(iso: "2026-12-03T13:34:45Z") == 1_796_304_885_000)
        #expect(VietnameseFormat.dateTime(iso: "2026-12-03T13:34:45.5+07:00") == "03/12/2026 13:34")
        for text in ["", "hôm qua", "2026-12-03", "2026-12-03T13:34", "2026-02-30T10:00:00Z", "2026-12-03T24:00:00Z",
                     "2026-12-03T13:34:45", "2026-12-03T13:34:45.Z", "2026-12-03T13:34:45Zx", "2026-12-03 13:34:45Z"] {
            #expect(CivilTime.millis(iso: text) == nil, "\(text)")
            #expect(VietnameseFormat.dateTime(iso: text) == text)
        }
    }
}

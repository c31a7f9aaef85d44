import Foundation
import SyncCore
import TestSupport
import Testing

/// The hand-written coding of protocol 2's messages (`SyncWireCoding.swift`) against the
/// `Codable` conformances it replaces on the hot path, which stay the reference: the same
/// bytes out, the same values in, and the same refusals.
@Suite("Hand-written wire coding")
struct WireCodingTests {
    /// Text that exercises escaping: quotes, backslashes, slashes, every control character,
    /// Vietnamese (composed and not), and scalars beyond the BMP.
    static let texts = [
        "", "Nguyễn Văn An", "Đã xong 100%", "Quyết định".decomposedStringWithCanonicalMapping, #"a "quoted" \ back\slash"#,
        "45/QĐ-UBND", "dòng một\ndòng hai\r\n\tthụt lề", String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }),
        "\u{7F}\u{80}\u{2028}\u{2029}", "😀 𝔘𝔫𝔦", "\u{FEFF}bom",
    ]
    static let doubles: [Double] = [1.5, -0.25, 0.1, 1e-7, 123_456.789, 1e21, 3.4e38, 5e-324, 1.7976931348623157e308, 2.5e15 + 0.5]

    static func randomChange(_ random: inout SeededRandom) -> (PushedChange, node: String) {
        let values: [FieldValue] = [.null, .int(0), .int(Int64.max), .int(Int64.min), .int(-1),
                                    .real(doubles.randomElement(using: &random)!), .text(texts.randomElement(using: &random)!)]
        let change = PushedChange(
            seq: Int64.random(in: 1...Int64.max, using: &random), collection: ["progress", "equipment", "tasks"].randomElement(using: &random)!,
            record: texts.randomElement(using: &random)!, field: ["note", "percent", "cost", "a/b"].randomElement(using: &random)!,
            value: values.randomElement(using: &random)!,
            hlc: HLC(wall: Int64.random(in: Int64.min...Int64.max, using: &random),
                     counter: Bool.random(using: &random) ? 0 : UInt32.random(in: 0...UInt32.max, using: &random)),
            actor: texts.randomElement(using: &random)!)
        return (change, texts.randomElement(using: &random)!)
    }

    @Test("requests and responses come out byte for byte as JSONEncoder writes them, and read back as JSONDecoder reads them",
          arguments: 0..<40)
    func sameAsCodable(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let count = seed == 0 ? 0 : Int.random(in: 1...30, using: &random)
        let drawn = (0..<count).map { _ in Self.randomChange(&random) }
        let counterless = seed % 3 == 0
        let pushed = drawn.map { change, _ in
            var change = change
            if counterless { change.counter = 0 }
            return change
        }
        let request = SyncRequest(node: Self.texts.randomElement(using: &random)!, commune: "long-dong",
                                  clock: Int64.random(in: Int64.min...Int64.max, using: &random), cursor: Int64(seed),
                                  pullLimit: seed % 2 == 0 ? nil : Int(seed), changes: pushed)
        let encoded = try WireCoding.encode(request)
        #expect(encoded == (try WireCoding.encoder().encode(request)))
        #expect(try WireCoding.decode(SyncRequest.self, from: encoded) == request)
        #expect(try JSONDecoder().decode(SyncRequest.self, from: encoded) == request)

        let pulled = zip(pushed, drawn).map { change, draw in
            PulledChange(hubSeq: change.seq, change: FieldChange(
                collection: change.collection, record: change.record, field: change.field, value: change.value,
                stamp: Stamp(hlc: change.hlc, node: draw.node), actor: change.actor))
        }
        let response = SyncResponse(
            commune: "long-dong", clock: Int64(seed) * 1_000, acked: Int64(count),
            rejected: pushed.prefix(2).map { Rejection(seq: $0.seq, code: "invalid_value", reason: $0.actor) },
            restamped: pushed.suffix(2).map { Restamp(seq: $0.seq, hlc: $0.hlc) },
            changes: pulled, cursor: Int64(seed), more: seed % 2 == 1)
        let answer = try WireCoding.encode(response)
        #expect(answer == (try WireCoding.encoder().encode(response)))
        #expect(try WireCoding.decode(SyncResponse.self, from: answer) == response)
    }

    /// Bodies an agent never writes but a client may: other key orders, white space, escapes,
    /// unknown keys, numbers in other forms.
    static let acceptedRequests = [
        #"{ "protocol" : 2 , "node":"n-1","commune":"long-dong","clock":-5,"cursor":0,"pullLimit":null,"extra":{"x":[1,{"y":null}]},"changes":{"a":["\u0041\u00e9\ud83d\ude00\/\""],"c":["progress"],"f":["note"],"r":["long-dong/4.1"],"s":[1],"v":["\n"],"w":[10],"n":null,"o":null}}"#,
        #"{"changes":{"s":[1,1,1,1],"w":[0,0,0,0],"c":["p","p","p","p"],"r":["r","r","r","r"],"f":["f","f","f","f"],"a":["","","",""],"v":[5.0,1e2,-0.5,1E-2]},"protocol":2,"node":"n","commune":"c","clock":0,"cursor":0}"#,
        #"{"protocol":3,"node":"n","commune":"c","clock":0,"cursor":0,"changes":"whatever comes next"}"#,
        #"{"protocol":1,"node":"n","commune":"c","clock":0,"cursor":0,"changes":[{"s":1,"c":"p","r":"r","f":"f","v":30,"w":1,"n":0,"a":"A"}]}"#,
        "{\"protocol\":2,\"node\":\"n\",\"commune\":\"c\",\"clock\":0,\"cursor\":0,\"changes\":{\"s\":[],\"w\":[],\"c\":[],\"r\":[],\"f\":[],\"a\":[],\"v\":[]}}\n\t ",
    ]

    static let refusedRequests = [
        "", "[]", "{", #"{"protocol":2,}"#, #"{"protocol":2 "node":"n"}"#, #"{"protocol":"2"}"#,
        #"{"node":"n","commune":"c","clock":0,"cursor":0,"changes":{}}"#,
        #"{"protocol":2,"node":"n","commune":"c","clock":0,"changes":{"s":[],"w":[],"c":[],"r":[],"f":[],"a":[],"v":[]}}"#,
        #"{"protocol":2,"node":"n","commune":"c","clock":0,"cursor":0,"changes":{"s":[1],"w":[],"c":[],"r":[],"f":[],"a":[],"v":[]}}"#,
        #"{"protocol":2,"node":"n","commune":"c","clock":0,"cursor":0,"changes":{"s":[1.5],"w":[0],"c":["p"],"r":["r"],"f":["f"],"a":["a"],"v":[1]}}"#,
        #"{"protocol":2,"node":"n","commune":"c","clock":99999999999999999999,"cursor":0,"changes":{"s":[],"w":[],"c":[],"r":[],"f":[],"a":[],"v":[]}}"#,
        #"{"protocol":2,"node":"n","commune":"c","clock":0,"cursor":0,"changes":{"s":[1],"w":[0],"n":[4294967296],"c":["p"],"r":["r"],"f":["f"],"a":["a"],"v":[1]}}"#,
        #"{"protocol":2,"node":"n","commune":"c","clock":0,"cursor":0,"changes":{"s":[1],"w":[0],"c":["p"],"r":["r"],"f":["f"],"a":["a"],"v":[true]}}"#,
        #"{"protocol":2,"node":"\ud800","commune":"c","clock":0,"cursor":0,"changes":{"s":[],"w":[],"c":[],"r":[],"f":[],"a":[],"v":[]}}"#,
        #"{"protocol":2,"node":"\x","commune":"c","clock":0,"cursor":0,"changes":{"s":[],"w":[],"c":[],"r":[],"f":[],"a":[],"v":[]}}"#,
        "{\"protocol\":2,\"node\":\"a\u{1}b\",\"commune\":\"c\",\"clock\":0,\"cursor\":0,\"changes\":{\"s\":[],\"w\":[],\"c\":[],\"r\":[],\"f\":[],\"a\":[],\"v\":[]}}",
        #"{"protocol":2,"node":"n","commune":"c","clock":01,"cursor":0,"changes":{"s":[],"w":[],"c":[],"r":[],"f":[],"a":[],"v":[]}}"#,
        #"{"protocol":2,"node":"n","commune":"c","clock":0,"cursor":0,"changes":{"s":[],"w":[],"c":[],"r":[],"f":[],"a":[],"v":[]}} x"#,
        #"{"protocol":2,"node":"n","commune":"c","clock":0,"cursor":0,"changes":{"s":[],"w":[],"c":[],"r":[],"f":[],"a":[],"v":[NaN]}}"#,
    ]

    @Test("bodies written otherwise read as JSONDecoder reads them", arguments: acceptedRequests)
    func acceptedLikeCodable(body: String) throws {
        let reference = try JSONDecoder().decode(SyncRequest.self, from: Data(body.utf8))
        #expect(try WireCoding.decode(SyncRequest.self, from: Data(body.utf8)) == reference)
    }

    @Test("a key given twice is refused as invalid input, wherever it stands", arguments: [
        #"{"protocol":2,"node":"n","node":"m","commune":"c","clock":0,"cursor":0,"changes":{"s":[],"w":[],"c":[],"r":[],"f":[],"a":[],"v":[]}}"#,
        #"{"protocol":2,"node":"n","commune":"c","clock":0,"cursor":0,"changes":{"s":[1],"w":[0],"c":["p"],"r":["r"],"f":["f"],"a":["a"],"v":[1],"v":[2]}}"#,
        #"{"protocol":2,"node":"n","commune":"c","clock":0,"cursor":0,"extra":{"x":1,"x":2},"changes":{"s":[],"w":[],"c":[],"r":[],"f":[],"a":[],"v":[]}}"#,
    ])
    func duplicateKeysRefused(body: String) throws {
        let error = #expect(throws: SyncError.self) { try WireCoding.decode(SyncRequest.self, from: Data(body.utf8)) }
        #expect(error?.code == .invalidInput)
    }

    @Test("an integral value written with a fraction or an exponent is read exactly, not through Double")
    func integralValuesExact() throws {
        let body = #"{"protocol":2,"node":"n","commune":"c","clock":0,"cursor":0,"changes":{"s":[1,2,3,4,5,6,7],"w":[0,0,0,0,0,0,0],"c":["p","p","p","p","p","p","p"],"r":["r","r","r","r","r","r","r"],"f":["f","f","f","f","f","f","f"],"a":["","","","","","",""],"v":[9007199254740993.0,1.5e1,1e3,100e-2,-42.000,12.5,9223372036854775808.0]}}"#
        let values = try WireCoding.decode(SyncRequest.self, from: Data(body.utf8)).changes.map(\.value)
        #expect(values == [.int(9_007_199_254_740_993), .int(15), .int(1_000), .int(1), .int(-42), .real(12.5),
                           .real(9_223_372_036_854_775_808.0)])
    }

    @Test("malformed bodies are refused as JSONDecoder refuses them, as invalid input", arguments: refusedRequests)
    func refusedLikeCodable(body: String) throws {
        #expect(throws: (any Error).self) { try JSONDecoder().decode(SyncRequest.self, from: Data(body.utf8)) }
        let error = #expect(throws: SyncError.self) { try WireCoding.decode(SyncRequest.self, from: Data(body.utf8)) }
        #expect(error?.code == .invalidInput)
    }

    @Test("a skipped value nested deeper than the limit is refused without exhausting the stack")
    func deepNesting() throws {
        let nested = #"{"protocol":2,"x":"# + String(repeating: "[", count: 100_000)
        let error = #expect(throws: SyncError.self) { try WireCoding.decode(SyncRequest.self, from: Data(nested.utf8)) }
        #expect(error?.message.contains("nested too deeply") == true)
        let shallow = #"{"x":"# + String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
            + #","protocol":3,"node":"n","commune":"c","clock":0,"cursor":0}"#
        #expect(try WireCoding.decode(SyncRequest.self, from: Data(shallow.utf8)).protocolVersion == 3)
    }
}

import Testing
import WebSupport

@Suite("Signed CSRF tokens")
struct SignedTokenTests {
    let key = [UInt8](repeating: 7, count: 32)

    @Test("a token is genuine for the key that made it, and for no other key")
    func genuine() {
        let tokens = SignedTokens(key: key)
        let token = tokens.make()
        #expect(tokens.isGenuine(token))
        #expect(tokens.make() != token, "every token has its own nonce")
        #expect(!SignedTokens(key: [UInt8](repeating: 8, count: 32)).isGenuine(token))
    }

    @Test("altered, truncated and planted tokens are refused", arguments: [
        "", "abc", ".", "0123456789abcdef0123456789abcdef.", "0123456789abcdef0123456789abcdef." + String(repeating: "0", count: 64),
    ])
    func forged(token: String) {
        #expect(!SignedTokens(key: key).isGenuine(token))
    }

    @Test("changing any character of a genuine token makes it fail")
    func tampered() {
        let tokens = SignedTokens(key: key)
        let token = Array(tokens.make())
        for index in token.indices where token[index] != "." {
            var altered = token
            altered[index] = token[index] == "0" ? "1" : "0"
            #expect(!tokens.isGenuine(String(altered)), "position \(index)")
        }
    }
}

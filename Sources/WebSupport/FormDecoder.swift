import Hummingbird
import SyncCore

/// The one way both screens read a posted form: Hummingbird's `URLEncodedFormDecoder`, a size
/// limit, NFC values, and the CSRF check, so no handler can read a form it has not checked.
///
/// The check is double submit: the form repeats a token the server gave this browser (in a
/// cookie, or in the signed-in session) and that a page on another site cannot read.
///
/// `decode` reads `application/x-www-form-urlencoded` forms; `decodeUpload` reads
/// `multipart/form-data` with a file, behind the same check.
public struct FormDecoder: Sendable {
    /// Forms are small; anything larger is refused before it is read.
    public static let maxFormBytes = 64 << 10

    /// What a refused form answers, in the screen's own words.
    public let refusal: String

    public init(refusal: String) {
        self.refusal = refusal
    }

    /// The form in `request`, if its `csrf` field equals `expected`; a missing or different
    /// token (or none expected) throws `CSRFRefusal`, answered as 403.
    public func decode(_ request: Request, csrf expected: String?) async throws -> PostedForm {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.maxFormBytes)
        } catch {
            throw HTTPError(.contentTooLarge, message: "Biểu mẫu quá lớn.")
        }
        let fields: [String: String]
        do {
            fields = try URLEncodedFormDecoder().decode([String: String].self, from: String(buffer: buffer))
        } catch {
            throw HTTPError(.badRequest, message: refusal)
        }
        let form = PostedForm(values: fields.mapValues(\.nfc))
        guard let expected, let given = form["csrf"], Self.constantTimeEqual(given, expected) else {
            throw CSRFRefusal(form: form, message: refusal)
        }
        return form
    }

    /// Compares tokens in time that does not depend on where they differ.
    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8), right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// A form whose CSRF token did not match. Answered as `HTTPError(.forbidden)` with the screen's
/// message; the sign-in page catches it instead, to show the form again with a fresh token and
/// the name that was typed.
public struct CSRFRefusal: HTTPResponseError {
    /// What was posted: to be shown again, never acted on.
    public let form: PostedForm
    let message: String
    public var status: HTTPResponse.Status { .forbidden }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try HTTPError(status, message: message).response(from: request, context: context)
    }
}

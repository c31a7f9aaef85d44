extension String {
    /// The text made safe for HTML, in element content and in quoted attributes: what people
    /// typed is shown, never run. Internal: pages escape by interpolating into `HTML`, never by
    /// remembering to call this.
    var htmlEscaped: String {
        var escaped = ""
        escaped.reserveCapacity(utf8.count)
        for character in self {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

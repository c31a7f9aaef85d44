import Hummingbird

extension ContentSecurityMiddleware {
    /// The headers of both screens: pages load nothing from elsewhere, post forms only to their
    /// own server and cannot be framed (clickjacking); `nosniff` keeps a browser from reading
    /// a stylesheet or a CSV export as something it could run. Hummingbird's default allows
    /// framing by the same origin, which neither screen needs.
    public static var screens: Self {
        Self(contentSecurityPolicy: [.defaultSrc(.self), .formAction(.self), .frameAncestors(.none)])
    }
}

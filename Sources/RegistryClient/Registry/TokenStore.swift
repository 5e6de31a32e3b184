import FoundationEssentials
import Synchronization

/// Bearer tokens and the authentication scheme each host asked for, shared by every lookup of a run.
/// Tokens are reused per realm, service, scope and credential; they live in memory only.
final class TokenStore: Sendable {
    struct Key: Hashable {
        var realm: String
        var service: String
        var scope: String
        var credential: String
    }

    private struct Token {
        var value: String
        var expires: Double
    }

    private let tokens = Mutex<[Key: Token]>([:])
    /// The last challenge each host sent, so later requests authenticate up front.
    private let challenges = Mutex<[String: AuthChallenge]>([:])

    func token(_ key: Key, now: Double) -> String? {
        tokens.withLock { tokens in
            guard let token = tokens[key], token.expires > now else { return nil }
            return token.value
        }
    }

    func store(_ token: String, for key: Key, expiresIn: Double, now: Double) {
        // Refresh a little early: a token that expires mid-request fails as `invalid_token`.
        tokens.withLock { $0[key] = Token(value: token, expires: now + max(expiresIn - 5, 1)) }
    }

    func challenge(for host: String) -> AuthChallenge? { challenges.withLock { $0[host] } }

    func remember(_ challenge: AuthChallenge, for host: String) { challenges.withLock { $0[host] = challenge } }
}

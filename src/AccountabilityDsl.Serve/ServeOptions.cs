using System.Net;

namespace AccountabilityDsl.Serve;

/// <summary>What <c>ownerc serve</c> was asked to do, already validated by <see cref="Validate"/>.</summary>
public sealed class ServeOptions
{
    /// <summary>The default listening address: loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5199";

    /// <summary>The default ledger: a SQLite file in the working folder.</summary>
    public const string DefaultLedger = "sqlite:ownerc-ledger.db";

    /// <summary>The largest request body accepted, in bytes.</summary>
    public const int DefaultMaxRequestBodyBytes = 64 * 1024;

    /// <summary>
    /// The policy files and folders to serve, as given on the command line (relative to
    /// <see cref="WorkingDirectory"/>). They are opened as one <c>PolicyWorkspace</c>, as
    /// <c>ownerc check</c> opens them, at start and again on every change: files whose headers
    /// name the same policy are one policy, and new files in a folder are picked up.
    /// </summary>
    public required IReadOnlyList<string> Paths { get; init; }

    /// <summary>The full paths of <see cref="Paths"/>, watched for changes.</summary>
    public IReadOnlyList<string> WatchedPaths => [.. Paths.Select(p => Path.GetFullPath(p, WorkingDirectory))];

    /// <summary>Semicolon-separated URLs to listen on.</summary>
    public string Urls { get; init; } = DefaultUrls;

    /// <summary><c>sqlite:&lt;path&gt;</c>, <c>postgres:&lt;connection string&gt;</c> or <c>memory:</c>.</summary>
    public string Ledger { get; init; } = DefaultLedger;

    /// <summary>The file holding the bearer token every /v1 request must present (null: no token).</summary>
    public string? TokenFile { get; init; }

    /// <summary>The folder relative paths (the SQLite file) are resolved against.</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>Whether policy files are watched and reloaded when they change.</summary>
    public bool Watch { get; init; } = true;

    /// <summary>The largest request body accepted, in bytes.</summary>
    public int MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>
    /// Checks the options a person typed; returns the first problem as a sentence (for exit
    /// code 2), or null. A non-loopback address without a token file is refused: the service
    /// decides who may be contacted, and must not be open to a network by accident.
    /// </summary>
    public string? Validate()
    {
        foreach (string url in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParseUrl(url, out Uri? uri))
            {
                return $"'{url}' is not a URL such as http://127.0.0.1:5199";
            }

            if (!IsLoopback(uri) && TokenFile is null)
            {
                return $"'{url}' is not a loopback address; serving beyond this machine needs --token-file <file> (every /v1 request must then carry its token)";
            }
        }

        if (LedgerSpec.TryParse(Ledger, out _, out string? ledgerError) is false)
        {
            return ledgerError;
        }

        return null;
    }

    /// <summary>Reads the token file: its content without surrounding white space, at least 16 characters.</summary>
    public string? ReadToken(out string? error)
    {
        error = null;
        if (TokenFile is null)
        {
            return null;
        }

        string path = Path.GetFullPath(TokenFile, WorkingDirectory);
        string token;
        try
        {
            if (!File.Exists(path))
            {
                error = $"no such token file: '{TokenFile}'";
                return null;
            }

            token = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read token file '{TokenFile}': {e.Message}";
            return null;
        }

        if (token.Length < 16 || token.Any(char.IsWhiteSpace))
        {
            error = $"the token in '{TokenFile}' must be one word of at least 16 characters (e.g. from 'openssl rand -hex 32')";
            return null;
        }

        return token;
    }

    private static bool TryParseUrl(string url, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? uri)
    {
        // Kestrel's wildcards: any address.
        string parsed = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        return Uri.TryCreate(parsed, UriKind.Absolute, out uri) && uri.Scheme is "http" or "https";
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address));
}

/// <summary>A parsed <c>--ledger</c> value.</summary>
/// <param name="Kind"><c>sqlite</c>, <c>postgres</c> or <c>memory</c>.</param>
/// <param name="Value">The SQLite path or the PostgreSQL connection string (empty for memory).</param>
public sealed record LedgerSpec(string Kind, string Value)
{
    /// <summary>
    /// The <c>--ledger</c> value for messages: a PostgreSQL connection string's password is
    /// replaced by <c>***</c> (it must not reach a terminal or a log).
    /// </summary>
    public static string Describe(string text)
    {
        if (!TryParse(text, out LedgerSpec? spec, out _) || spec.Kind != "postgres")
        {
            return text;
        }

        try
        {
            var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = spec.Value };
            foreach (string key in builder.Keys.Cast<string>().Where(k => k.Equals("password", StringComparison.OrdinalIgnoreCase) || k.Equals("pwd", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                builder[key] = "***";
            }

            return "postgres:" + builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "postgres:(a connection string that cannot be parsed)";
        }
    }

    /// <summary>Parses <c>sqlite:&lt;path&gt;</c>, <c>postgres:&lt;connection string&gt;</c> or <c>memory:</c>.</summary>
    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LedgerSpec? spec, out string? error)
    {
        spec = null;
        error = null;
        int colon = text.IndexOf(':');
        string kind = colon < 0 ? text : text[..colon];
        string value = colon < 0 ? "" : text[(colon + 1)..];
        switch (kind)
        {
            case "sqlite" when value.Length > 0:
            case "postgres" when value.Length > 0:
            case "memory" when value.Length == 0:
                spec = new LedgerSpec(kind, value);
                return true;
            case "sqlite" or "postgres":
                error = $"--ledger {kind}: needs a {(kind == "sqlite" ? "file path, e.g. sqlite:ledger.db" : "connection string, e.g. \"postgres:Host=db;Database=contacts;Username=ownerc\"")}";
                return false;
            default:
                error = $"--ledger '{text}' is not sqlite:<path>, postgres:<connection string> or memory:";
                return false;
        }
    }
}

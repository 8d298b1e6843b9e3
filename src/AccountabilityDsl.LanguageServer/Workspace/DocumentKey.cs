namespace AccountabilityDsl.LanguageServer.Workspace;

/// <summary>
/// A document as the client names it (its URI) and as the compiler names it (a path). A
/// <c>file:</c> URI maps to its local path; any other (an unsaved buffer) keeps the URI as path.
/// </summary>
internal sealed record DocumentKey(string Uri, string Path, bool IsFile)
{
    public static DocumentKey FromUri(string uri)
    {
        if (System.Uri.TryCreate(uri, UriKind.Absolute, out Uri? parsed) && parsed.IsFile)
        {
            return new DocumentKey(uri, parsed.LocalPath, true);
        }

        return new DocumentKey(uri, uri, false);
    }

    public static DocumentKey FromPath(string path) => new(new Uri(path).AbsoluteUri, path, true);

    /// <summary>The URI of a compiler path (a file's full path, or the URI an unsaved buffer was compiled under).</summary>
    public static string UriOfPath(string path) => System.IO.Path.IsPathRooted(path) ? new Uri(path).AbsoluteUri : path;
}

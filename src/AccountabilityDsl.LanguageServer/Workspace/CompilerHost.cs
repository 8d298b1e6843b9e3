using AccountabilityDsl.Configuration;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.LanguageServer.Workspace;

/// <summary>
/// The one place the server asks the compiler for results: how a file's text becomes a
/// compilation with the severities its <c>.editorconfig</c> files set, exactly as
/// <c>ownerc check</c> compiles it, and which files a workspace folder holds.
/// </summary>
internal sealed class CompilerHost
{
    private EditorConfigSeverities _editorConfig = new();

    public DocumentAnalysis Analyze(DocumentKey key, string text, int? version)
    {
        SourceText source = SourceText.From(text, key.Path);
        IReadOnlyDictionary<string, Diagnostics.DiagnosticSeverity> severities;
        try
        {
            severities = key.IsFile ? _editorConfig.ForFile(key.Path) : new Dictionary<string, Diagnostics.DiagnosticSeverity>();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            severities = new Dictionary<string, Diagnostics.DiagnosticSeverity>();
        }

        return new DocumentAnalysis(key, version, PolicyCompilation.Create(source, severities));
    }

    /// <summary>The text of a policy file on disk, or null when it cannot be read as a regular file.</summary>
    public static string? ReadFile(string path)
    {
        try
        {
            // Files are read off the message loop (workspace scans run in the background), so
            // even a FIFO saved as x.owner cannot stall requests.
            return File.Exists(path) ? SourceText.FromFile(path).Text : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return null;
        }
    }

    /// <summary>The <c>*.owner</c> files under a folder, skipping hidden folders and build output.</summary>
    public static IEnumerable<string> PolicyFilesUnder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.ReparsePoint };
        return Directory.EnumerateFiles(folder, "*.owner", options)
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules" || part.StartsWith('.')))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>Forgets cached <c>.editorconfig</c> files (one changed on disk).</summary>
    public void ReloadConfiguration() => _editorConfig = new EditorConfigSeverities();
}

using System.Text.RegularExpressions;

namespace AccountabilityDsl.Workspace;

/// <summary>
/// The one wording of every input and output problem, whichever host meets it (each <c>ownerc</c>
/// command, the MSBuild task, the language server): <c>no such file or folder: 'x'</c>,
/// <c>cannot read 'x': it is a FIFO (named pipe), not a regular file</c>, <c>cannot write 'x': …</c>.
/// </summary>
public static partial class WorkspaceMessages
{
    public static string NotFound(string path) => $"no such file or folder: '{path}'{NotFoundHint(path)}";

    public static string CannotRead(string path, Exception e) => $"cannot read '{path}': {Describe(e)}";

    public static string CannotWrite(string path, Exception e) => $"cannot write '{path}': {Describe(e)}";

    public static string EmptyPath => "an empty path is not a file or folder";

    public static string InvalidPath(string path) => $"'{path}' is not a valid path";

    public static string NoPolicyFilesIn(string folder) => $"no {InputCollector.Extension} files found in folder '{folder}'";

    public static string CannotReadFolder(string folder, Exception e) => $"cannot read folder '{folder}': {Describe(e)}";

    /// <summary>What the user probably meant by an input that names nothing.</summary>
    private static string NotFoundHint(string path) =>
        path == "-" ? " (policies are read from files, not from standard input: name a file or a folder)"
        : path.IndexOfAny(['*', '?', '[']) >= 0 ? " (ownerc expands no wildcards: leave the pattern unquoted for the shell, or name the folder)"
        : "";

    /// <summary>A short, path-free reason for a file-system failure, for one-line errors.</summary>
    public static string Describe(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "it no longer exists (deleted or moved meanwhile)",
        UnauthorizedAccessException or System.Security.SecurityException => "permission denied",
        PathTooLongException => "the path is too long",
        // .NET's I/O messages end with " : 'path'", and the caller names the path already.
        _ => TrailingPath().Replace(OneLine(e.Message), ""),
    };

    /// <summary>A message on one line (exception messages may span several).</summary>
    public static string OneLine(string message) => Regex.Replace(message, @"\s*[\r\n]+\s*", " ").Trim();

    [GeneratedRegex(@"\s*:\s*'[^']*'\s*$", RegexOptions.None)]
    private static partial Regex TrailingPath();
}

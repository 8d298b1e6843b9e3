namespace AccountabilityDsl.Workspace;

/// <summary>
/// Expands the paths on the command line into policy files. A file is checked whatever its
/// extension (the user named it); a folder is searched recursively for <c>*.owner</c> files.
/// The search never follows symbolic links or other reparse points to folders, so a link
/// loop cannot make it run forever, and it skips hidden folders (names starting with a dot,
/// such as <c>.git</c>) below the folders named on the command line. A folder that cannot be
/// read is reported and the search goes on. Files are returned sorted by display path
/// (ordinal) with duplicates removed, so output order never depends on the file system.
/// </summary>
public static class InputCollector
{
    public const string Extension = ".owner";

    private static readonly StringComparer PathComparer = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
        ? StringComparer.OrdinalIgnoreCase
        : StringComparer.Ordinal;

    /// <summary>Expands <paramref name="paths"/> (files or folders, relative to <paramref name="currentDirectory"/>).</summary>
    public static InputSet Collect(IEnumerable<string> paths, string currentDirectory)
    {
        var files = new List<PolicyInput>();
        var errors = new List<string>();
        foreach (string path in paths)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                errors.Add(WorkspaceMessages.EmptyPath);
                continue;
            }

            string fullPath;
            try
            {
                fullPath = Path.GetFullPath(path, currentDirectory);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
            {
                errors.Add(WorkspaceMessages.InvalidPath(path));
                continue;
            }

            if (File.Exists(fullPath))
            {
                files.Add(new PolicyInput(path, fullPath));
            }
            else if (Directory.Exists(fullPath))
            {
                int before = files.Count;
                int errorsBefore = errors.Count;
                Search(fullPath, path, files, errors);
                if (files.Count == before && errors.Count == errorsBefore)
                {
                    errors.Add(WorkspaceMessages.NoPolicyFilesIn(path));
                }
            }
            else
            {
                errors.Add(WorkspaceMessages.NotFound(path));
            }
        }

        var seen = new HashSet<string>(PathComparer);
        List<PolicyInput> unique = [.. files.Where(f => seen.Add(f.FullPath))];
        unique.Sort((a, b) => string.CompareOrdinal(a.DisplayPath, b.DisplayPath));
        return new InputSet(unique, errors);
    }

    private static void Search(string fullRoot, string displayRoot, List<PolicyInput> files, List<string> errors)
    {
        var pending = new Stack<(string Full, string Display)>();
        pending.Push((fullRoot, displayRoot));
        while (pending.Count > 0)
        {
            (string full, string display) = pending.Pop();
            List<FileSystemInfo> entries;
            try
            {
                entries = [.. new DirectoryInfo(full).EnumerateFileSystemInfos()];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                errors.Add(WorkspaceMessages.CannotReadFolder(display, e));
                continue;
            }

            foreach (FileSystemInfo entry in entries)
            {
                string entryDisplay = Path.Join(display, entry.Name);
                if (entry is DirectoryInfo)
                {
                    if ((entry.Attributes & FileAttributes.ReparsePoint) == 0 && !entry.Name.StartsWith(".", StringComparison.Ordinal))
                    {
                        pending.Push((entry.FullName, entryDisplay));
                    }
                }
                else if (entry.Name.EndsWith(Extension, StringComparison.Ordinal))
                {
                    files.Add(new PolicyInput(entryDisplay, entry.FullName));
                }
            }
        }
    }
}

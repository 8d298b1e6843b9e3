using AccountabilityDsl.Testing;
using AccountabilityDsl.Workspace;

namespace AccountabilityDsl.Runtime.Compiled.Testing;

/// <summary>
/// Runs <c>.owner-test</c> files the way every host runs them (<c>ownerc test</c>, and the
/// MSBuild package with <c>OwnerRunTests=true</c>): each file is read through the workspace's
/// safe reader, parsed, and run by <see cref="PolicyTestRunner"/> against the policies in its
/// folder, compiled through the workspace (files that name one policy compile together). A
/// folder's policies are compiled once, however many test files it holds.
/// </summary>
/// <param name="policyFilesNextTo">
/// The policy files a test file can test. The host decides what "next to" means: <c>ownerc</c>
/// takes the <c>.owner</c> files on disk in the test file's folder (<see cref="PolicyFilesOnDisk"/>),
/// the MSBuild task the project's <c>OwnerPolicy</c> items in that folder.
/// </param>
public sealed class PolicyTestSession(Func<PolicyInput, IEnumerable<PolicyInput>> policyFilesNextTo)
{
    private readonly Dictionary<string, IReadOnlyList<PolicyCompilation>> _policiesByFolder = new(StringComparer.Ordinal);
    private readonly List<string> _unreadablePolicies = [];

    /// <summary>Policy files that could not be read (one line each, the workspace's wording): their policies are not available to tests.</summary>
    public IReadOnlyList<string> UnreadablePolicies => _unreadablePolicies;

    /// <summary>
    /// Reads and runs one test file. Returns false, with the workspace's one-line reason, when the
    /// file cannot be read (a FIFO, a folder, a file gone meanwhile).
    /// </summary>
    public bool TryRun(PolicyInput testFile, out TestFileResult? result, out string? readError)
    {
        PolicyDocument document = PolicyFileReader.Read(testFile);
        if (document.Source is null)
        {
            result = null;
            readError = document.ReadError;
            return false;
        }

        string folder = Path.GetDirectoryName(testFile.FullPath)!;
        if (!_policiesByFolder.TryGetValue(folder, out IReadOnlyList<PolicyCompilation>? policies))
        {
            // The policies next to the test file are those with a file in its folder; their other files may
            // be in subfolders (core.owner beside offers/boats.owner), compiled together as 'ownerc check'
            // of the folder does. Policies wholly in subfolders are not next to it; nor is an unreadable file
            // there known to be part of one, so only the folder's own unreadable files are reported.
            PolicyWorkspace workspace = PolicyWorkspace.FromFiles(policyFilesNextTo(testFile));
            string[] inFolder = [.. workspace.Documents.Where(d => IsIn(folder, d.Input.FullPath)).Select(d => d.Input.DisplayPath)];
            _unreadablePolicies.AddRange(workspace.Documents.Where(d => !d.WasRead && IsIn(folder, d.Input.FullPath)).Select(d => d.ReadError!));
            _policiesByFolder[folder] = policies = [.. workspace.Compile().Where(c => c.SyntaxTrees.Any(t => inFolder.Contains(t.FilePath, StringComparer.Ordinal)))];
        }

        result = new PolicyTestRunner(policies).Run(TestFileSyntax.Parse(document.Source));
        readError = null;
        return true;
    }

    private static bool IsIn(string folder, string fullPath) =>
        string.Equals(Path.GetDirectoryName(fullPath), folder, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>
    /// <c>ownerc test</c>'s policies for a test file: the <c>.owner</c> files in its folder and its
    /// subfolders (searched as <c>ownerc check</c> searches a folder), shown with paths relative as the
    /// test file's own.
    /// </summary>
    public static IEnumerable<PolicyInput> PolicyFilesOnDisk(PolicyInput testFile)
    {
        string folder = Path.GetDirectoryName(testFile.FullPath)!;
        string displayFolder = Path.GetDirectoryName(testFile.DisplayPath) ?? "";
        return InputCollector.Collect([folder], folder).Files
            .Select(file => new PolicyInput(Path.Join(displayFolder, Path.GetRelativePath(folder, file.FullPath)).Replace('\\', '/'), file.FullPath))
            .OrderBy(file => IsIn(folder, file.FullPath) ? 0 : 1)
            .ThenBy(file => file.DisplayPath, StringComparer.Ordinal);
    }
}

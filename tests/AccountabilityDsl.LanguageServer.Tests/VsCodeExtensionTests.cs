using System.Diagnostics;
using System.IO.Compression;
using AccountabilityDsl.LanguageServer.Tests.Infrastructure;
using AccountabilityDsl.Testing;

namespace AccountabilityDsl.LanguageServer.Tests;

/// <summary>
/// The VS Code extension in editors/vscode, built the way docs/editors.md says: <c>npm ci</c>,
/// the TextMate grammar's node tests (vscode-textmate + vscode-oniguruma over every sample),
/// and <c>npm run package</c>, which must produce a .vsix holding the bundled client, the
/// grammar and the language configuration.
/// </summary>
public class VsCodeExtensionTests
{
    private static readonly string Extension = Path.Combine(Samples.Root, "editors", "vscode");

    [SkippableFact]
    [Trait("Category", "Slow")]
    public async Task The_grammar_tests_pass_and_the_extension_packs_into_a_vsix()
    {
        string npm = RequiredTool.Find("npm", "npm");
        string node = RequiredTool.Find("node", "nodejs");

        (await RunAsync(npm, "ci", "--no-audit", "--no-fund")).ExitCode.ShouldBe(0);

        (int testExit, string testOutput) = await RunAsync(node, "--test", "test/");
        testExit.ShouldBe(0, testOutput);
        testOutput.ShouldContain("# fail 0");
        testOutput.ShouldMatch(@"# pass \d{2,}");

        string vsix = Path.Combine(Extension, "owner-language.vsix");
        File.Delete(vsix);
        (int packExit, string packOutput) = await RunAsync(npm, "run", "package");
        packExit.ShouldBe(0, packOutput);
        using ZipArchive archive = ZipFile.OpenRead(vsix);
        string[] entries = [.. archive.Entries.Select(e => e.FullName)];
        entries.ShouldContain("extension/out/extension.js");
        entries.ShouldContain("extension/syntaxes/owner.tmLanguage.json");
        entries.ShouldContain("extension/language-configuration.json");
        entries.ShouldContain("extension/package.json");
        entries.ShouldNotContain(e => e.StartsWith("extension/node_modules/", StringComparison.Ordinal) || e.StartsWith("extension/test/", StringComparison.Ordinal));
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = Extension,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in 5 minutes");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

using System.Diagnostics;
using System.Text.RegularExpressions;
using AccountabilityDsl.Serve.Tests.Infrastructure;
using AccountabilityDsl.Testing;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Serve.Tests;

/// <summary>
/// Every curl example in docs/service.md and README.md runs, in order, with curl against a real
/// `ownerc serve samples/retail-bank.owner` (a fresh one per document), and prints exactly the
/// JSON shown after it (<c>&lt;time&gt;</c> and <c>&lt;trace&gt;</c> stand for a timestamp and a trace id).
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class DocumentationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ownerc-serve-docs-").FullName;

    [SkippableTheory]
    [InlineData("docs/service.md")]
    [InlineData("README.md")]
    public void Curl_examples_print_what_the_document_shows(string document)
    {
        string curl = RequiredTool.Find("curl", "curl");
        var examples = Examples(File.ReadAllText(Path.Combine(Baseline.RepoRoot, document)));
        examples.Count.ShouldBeGreaterThanOrEqualTo(document == "README.md" ? 1 : 5);
        Directory.CreateDirectory(Path.Combine(_directory, "samples"));
        File.Copy(Path.Combine(Baseline.RepoRoot, "samples", "retail-bank.owner"), Path.Combine(_directory, "samples", "retail-bank.owner"));
        using ServeProcess server = ServeProcess.Start(_directory, "samples/retail-bank.owner", "--urls", "http://127.0.0.1:0").WaitUntilListening();

        foreach ((string command, string expected) in examples)
        {
            command.ShouldStartWith("curl -s ");
            string actual = Run(curl, command.Replace("http://127.0.0.1:5199", server.Address.ToString().TrimEnd('/'), StringComparison.Ordinal));
            string pattern = "^" + Regex.Escape(expected).Replace("<time>", @"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d").Replace("<trace>", "[0-9a-f-]+") + "$";
            Regex.IsMatch(actual, pattern).ShouldBeTrue($"{command}\nprinted\n{actual}\ninstead of\n{expected}");
        }

        server.Terminate().ShouldBe(0);
    }

    private static List<(string Command, string Output)> Examples(string markdown) =>
        [.. Example().Matches(markdown.ReplaceLineEndings("\n")).Select(m => (m.Groups[1].Value.Trim(), m.Groups[2].Value.Trim()))];

    private static string Run(string curl, string command)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command.Replace("curl ", curl + " ", StringComparison.Ordinal));
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, process.StandardError.ReadToEnd());
        return output.Trim();
    }

    // A ```sh block holding one curl command, then a ```json block with what it prints.
    [GeneratedRegex("```sh\n(curl [^\n]*)\n```\n\n```json\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex Example();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using System.Collections.Immutable;
using AccountabilityDsl.Build.Tests.Infrastructure;
using AccountabilityDsl.Workspace;

namespace AccountabilityDsl.Build.Tests;

/// <summary>
/// The package and ownerc share one host layer: a project's files that name the same policy build
/// into one class, and the task writes, for every sample, the bytes <c>ownerc generate</c> writes
/// (or, for a policy with errors, nothing, as ownerc does).
/// </summary>
[Collection(nameof(PackedFeedCollection))]
[Trait("Category", "Slow")]
public sealed class MultiFilePackageTests(PackedFeed feed)
{
    private const string Program = """
        using Contoso.Banking.HighStreet;

        Console.WriteLine(HighStreetBankPolicy.AccountableFor(HighStreetBankPolicy.Segment.Affluent, HighStreetBankPolicy.Stage.Active));
        Console.WriteLine(string.Join(",", Enum.GetNames<HighStreetBankPolicy.Offer>()));
        """;

    [Fact]
    [Trait("Category", "Slow")]
    public void Two_files_of_one_policy_build_into_one_class_and_every_sample_is_written_as_ownerc_generate_writes_it()
    {
        var app = new ConsumerProject(feed, "multi-file", Program);
        string samples = Path.Combine(DotNet.RepoRoot, "samples");
        CopyTree(Path.Combine(samples, "high-street-bank"), Path.Combine(app.Directory, "policies", "high-street-bank"));

        ProcessResult built = app.Build();
        built.ExitCode.ShouldBe(0, built.ToString());
        built.Output.ShouldNotContain("OWN0");
        app.RunApp().Output.ShouldBe("AffluentSegmentManager\nBoatLoan,Remortgage\n");
        File.ReadAllText(app.Generated("boats.g.cs")).ShouldContain("its class is generated from all of them into core.g.cs");

        // Every sample: the same bytes from both hosts, or nothing from either.
        foreach (string sample in Directory.EnumerateFiles(samples, "*.owner", SearchOption.TopDirectoryOnly)
            .Concat(Directory.EnumerateFiles(Path.Combine(samples, "OfferDesk"), "*.owner")))
        {
            File.Copy(sample, Path.Combine(app.Directory, "policies", Path.GetFileName(sample)));
        }

        ProcessResult all = app.Build();
        all.ExitCode.ShouldNotBe(0, "some samples have errors on purpose");
        ImmutableArray<PolicyCompilation> policies = PolicyWorkspace.Open(["policies"], app.Directory).Compile();
        policies.Length.ShouldBeGreaterThan(8);
        int compared = 0;
        foreach (PolicyCompilation policy in policies)
        {
            string taskOutput = app.Generated(Path.GetFileNameWithoutExtension(policy.SyntaxTree.FilePath) + ".g.cs");
            string cliOutput = Path.Combine(app.Directory, "cli-out");
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int exit = Cli.CommandLine.Run(["generate", .. policy.SyntaxTrees.Select(t => t.FilePath), "-o", cliOutput], stdout, stderr, app.Directory);
            if (exit == 0)
            {
                string written = Path.Combine(app.Directory, stdout.ToString().Trim());
                File.ReadAllBytes(taskOutput).ShouldBe(File.ReadAllBytes(written), $"{policy.PolicyName}: the task's C# differs from ownerc generate's");
                compared++;
            }
            else
            {
                exit.ShouldBe(1, stderr.ToString());
                File.Exists(taskOutput).ShouldBeFalse($"{policy.PolicyName} has errors: the task must write nothing either");
            }
        }

        compared.ShouldBeGreaterThanOrEqualTo(4);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

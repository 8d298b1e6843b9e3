using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Fuzzing;

/// <summary>Inputs the fuzzers found, kept so the bug they exposed stays fixed.</summary>
public class FuzzRegressionTests
{
    /// <summary>
    /// Seed 4_zRIxpIy2j3 of the layout fuzzer: stray characters separated by a space were one
    /// diagnostic, but the same characters separated by a block comment were two.
    /// </summary>
    [Fact]
    public void A_block_comment_between_stray_characters_does_not_split_their_diagnostic()
    {
        string plain = "policy P\nstages A\nsegment S where x < \u201c \U0001F600 1\n";
        string commented = "policy P\nstages A\nsegment S where x < \u201c /* layout */ \U0001F600 1\n";
        TestPolicy.Ids(commented).ShouldBe(TestPolicy.Ids(plain));
        TestPolicy.Ids(plain).Count(id => id == "OWN0001").ShouldBe(1);
    }
}

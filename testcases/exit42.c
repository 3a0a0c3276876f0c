/* exit42: init's exit status becomes ./linux's. */
int main(void)
{
	return 42;
}

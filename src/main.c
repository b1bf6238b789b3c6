/*
 * main.c — aegis's entry point (work in progress: the command line is being built).
 */
#include <stdio.h>

#include "config.h"

int main(void)
{
	printf("aegis %s\n", PACKAGE_VERSION);
	return 0;
}
